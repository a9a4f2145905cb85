import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer/lib/smtp-pool';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DnsResolver } from '../common/dns-resolver.js';
import { DomainThrottle } from './mx/domain-throttle.js';
import { MemoryThrottleStore } from './mx/memory-throttle-store.js';
import { MxDelivery } from './mx/mx-delivery.js';
import { resolveConnectionPool, resolveThrottle, resolveTimeouts, type MxDeliveryOptions } from './mx/mx-delivery-options.js';
import type { ThrottleStore } from './mx/throttle-store.js';
import { envelopeNeedsSmtpUtf8, groupByDomain, offersSmtpUtf8, toSmtpEnvelope, type SmtpEnvelope } from './smtp-envelope.js';
import { connectionError, SmtpConnectionError } from './smtp-connection-error.js';
import { acceptedRecipients, asTransactionFailure, failedRecipients, type DeliveryResult } from './smtp-replies.js';
import { inEnvelopeOrder, logIn, splitBySmtpUtf8, transact, type DomainOutcome } from './smtp-transaction.js';

export { resolveMxHosts } from './mx-hosts.js';
export { SmtpConnectionError } from './smtp-connection-error.js';
export type { DeliveryResult, RecipientResult } from './smtp-replies.js';

/** Settings of {@link SmtpDelivery}. The {@link MxDeliveryOptions} apply to direct MX delivery only. */
export interface SmtpDeliveryOptions extends MxDeliveryOptions {
  /** Relay for every message, `smtp://user:pass@host:port` or `smtps://…`. Unset means direct MX delivery. */
  relayUrl?: string;
  /** TCP port of MX hosts. @default 25 */
  mxPort?: number;
  /** Resolver for MX records and MX host addresses. */
  resolver: DnsResolver;
  /** Name sent with EHLO. @default nodemailer's choice, the machine's host name */
  heloName?: string;
  /** Time allowed to connect and to receive the greeting, in milliseconds. For MX hosts, `timeouts.connectMs` wins. @default 30000 */
  connectionTimeoutMs?: number;
  /**
   * Connections to the relay. With as many as the worker runs jobs, no job waits for a connection
   * after taking its delivery lease, so a crash cannot leave a message that was never sent looking
   * as if its outcome were unknown. @default 5, nodemailer's pool size
   */
  relayConnections?: number;
}

const DEFAULT_MX_PORT = 25;
const DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;

type RelayTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/**
 * Sends built messages over SMTP, through one relay or straight to each recipient domain's MX.
 * Direct delivery reuses sessions per MX host and throttles each recipient domain (see
 * {@link MxDeliveryOptions}); relay delivery uses one pooled transport per relay and no throttle.
 */
export class SmtpDelivery {
  private readonly relays = new Map<string, RelayTransport>();
  private readonly throttle: DomainThrottle;
  private readonly mx: MxDelivery;
  /** The store this instance made itself, which `close()` closes; a store passed in stays open. */
  private readonly ownStore: ThrottleStore | null;

  constructor(private readonly options: SmtpDeliveryOptions) {
    const store = options.throttle?.store ?? new MemoryThrottleStore();
    this.ownStore = options.throttle?.store ? null : store;
    this.throttle = new DomainThrottle({
      ...resolveThrottle(options.throttle),
      store,
      concurrency: options.concurrency ?? {},
      ratePerMinute: options.ratePerMinute ?? {},
    });
    this.mx = new MxDelivery({
      resolver: options.resolver,
      port: options.mxPort ?? DEFAULT_MX_PORT,
      session: {
        heloName: options.heloName,
        timeouts: resolveTimeouts(options.timeouts, options.connectionTimeoutMs),
        requireTls: options.requireTls ?? false,
      },
      pool: resolveConnectionPool(options.connectionPool),
      throttle: this.throttle,
    });
  }

  /**
   * Sends `raw` to every envelope recipient. Rejections at RCPT or DATA come back per recipient, and
   * {@link SmtpConnectionError} is thrown when no recipient's server could be reached.
   *
   * Internationalised domains go out in A-labels. An address with a non-ASCII local part goes only
   * to a server that offers SMTPUTF8; elsewhere it fails with 553 5.6.7 while the others are sent.
   * Results name each recipient as it was passed in.
   */
  async send(raw: Buffer, envelope: { from: string; to: string[] }): Promise<DeliveryResult> {
    const smtpEnvelope = toSmtpEnvelope(envelope);
    if (smtpEnvelope.to.length === 0) throw new Error('SMTP envelope has no recipients');

    if (!this.options.relayUrl) return this.sendDirect(raw, smtpEnvelope);
    // The pool does not expose the relay's EHLO extensions, which an SMTPUTF8 envelope needs.
    if (envelopeNeedsSmtpUtf8(smtpEnvelope)) return this.sendViaRelaySession(this.options.relayUrl, raw, smtpEnvelope);
    return this.sendViaRelay(this.options.relayUrl, raw, smtpEnvelope);
  }

  /** Closes the pooled relay connections and MX sessions, and the throttle store when this instance made it. */
  async close(): Promise<void> {
    for (const transport of this.relays.values()) transport.close();
    this.relays.clear();
    this.throttle.close();
    await this.mx.close();
    await this.ownStore?.close();
  }

  private async sendViaRelay(relayUrl: string, raw: Buffer, envelope: SmtpEnvelope): Promise<DeliveryResult> {
    const url = new URL(relayUrl);
    const tls = relayUsesTls(url);
    const wire = { from: envelope.from.address, to: envelope.to.map((recipient) => recipient.address) };

    try {
      const info = await this.relayTransport(relayUrl).sendMail({ envelope: wire, raw });
      return { mxHost: url.hostname, tls, response: info.response, recipients: acceptedRecipients(envelope.to, info) };
    } catch (error) {
      const failure = asTransactionFailure(error);
      if (!failure) throw connectionError(`Session with relay ${url.host} failed`, error);

      return { mxHost: url.hostname, tls, response: failure.response ?? null, recipients: failedRecipients(envelope.to, failure) };
    }
  }

  /** Sends over a connection of its own, whose EHLO reply shows whether the relay offers SMTPUTF8. */
  private async sendViaRelaySession(relayUrl: string, raw: Buffer, envelope: SmtpEnvelope): Promise<DeliveryResult> {
    const url = new URL(relayUrl);
    const { auth, ...connectionOptions } = parseConnectionUrl(relayUrl);

    let connection: SMTPConnection;
    try {
      connection = await this.openSession(url.hostname, connectionOptions);
    } catch (error) {
      throw connectionError(`Session with relay ${url.host} failed`, error);
    }

    if (auth && connection.allowsAuth) {
      try {
        await logIn(connection, auth);
      } catch (error) {
        connection.close();
        throw connectionError(`Session with relay ${url.host} failed`, error);
      }
    }

    const outcome = await this.runTransaction(connection, url.hostname, envelope, raw);
    if (outcome.connectionError) throw outcome.connectionError;

    return {
      mxHost: url.hostname,
      tls: relayUsesTls(url) || (outcome.session?.tls ?? false),
      response: outcome.session?.response ?? null,
      recipients: inEnvelopeOrder(envelope.to, outcome.recipients),
    };
  }

  private relayTransport(relayUrl: string): RelayTransport {
    let transport = this.relays.get(relayUrl);
    if (!transport) {
      transport = createTransport({
        url: relayUrl,
        pool: true,
        ...(this.options.relayConnections ? { maxConnections: this.options.relayConnections } : {}),
        name: this.options.heloName,
        connectionTimeout: this.connectionTimeoutMs(),
        greetingTimeout: this.connectionTimeoutMs(),
      });
      this.relays.set(relayUrl, transport);
    }
    return transport;
  }

  private async sendDirect(raw: Buffer, envelope: SmtpEnvelope): Promise<DeliveryResult> {
    const byDomain = groupByDomain(envelope.to);
    const outcomes = await Promise.all(
      [...byDomain].map(([domain, recipients]) => this.mx.deliverToDomain(domain, { from: envelope.from, to: recipients }, raw)),
    );

    const unreachable = outcomes.filter((outcome) => outcome.connectionError);
    if (unreachable.length === outcomes.length && unreachable[0]?.connectionError) throw unreachable[0].connectionError;

    const sessions = outcomes.flatMap((outcome) => (outcome.session ? [outcome.session] : []));
    return {
      mxHost: sessions[0]?.mxHost ?? null,
      tls: sessions.length > 0 && sessions.every((session) => session.tls),
      response: sessions[0]?.response ?? null,
      recipients: inEnvelopeOrder(envelope.to, outcomes.flatMap((outcome) => outcome.recipients)),
    };
  }

  private openSession(host: string, options: SMTPConnection.Options): Promise<SMTPConnection> {
    const connection = new SMTPConnection({
      ...options,
      name: this.options.heloName,
      connectionTimeout: this.connectionTimeoutMs(),
      greetingTimeout: this.connectionTimeoutMs(),
    });

    return new Promise((resolve, reject) => {
      // The listener stays for the whole session because an 'error' event without a listener throws.
      connection.on('error', reject);
      connection.once('end', () => reject(new SmtpConnectionError(`${host} closed the connection`)));
      connection.connect(() => resolve(connection));
    });
  }

  /** Runs one transaction on an open session and quits; see {@link splitBySmtpUtf8} for servers without SMTPUTF8. */
  private async runTransaction(connection: SMTPConnection, mxHost: string, envelope: SmtpEnvelope, raw: Buffer): Promise<DomainOutcome> {
    const { sendable, rejected } = splitBySmtpUtf8(envelope, offersSmtpUtf8(connection), mxHost);

    if (sendable.length === 0) {
      connection.quit();
      return { session: { mxHost, tls: connection.secure, response: rejected[0]?.response ?? '' }, recipients: rejected };
    }

    const outcome = await transact(connection, mxHost, envelope.from, sendable, raw);
    return { ...outcome, recipients: [...outcome.recipients, ...rejected] };
  }

  private connectionTimeoutMs(): number {
    return this.options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  }
}

/**
 * NOTE: the pool does not report whether opportunistic STARTTLS succeeded, so only a relay URL
 * that makes TLS certain (smtps:, secure=true or requireTLS=true) reports tls true.
 */
function relayUsesTls(url: URL): boolean {
  return url.protocol === 'smtps:' || url.searchParams.get('secure') === 'true' || url.searchParams.get('requireTLS') === 'true';
}
