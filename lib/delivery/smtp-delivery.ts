import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer/lib/smtp-pool';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DnsResolver } from '../common/dns-resolver.js';
import { resolveMxHosts } from './mx-hosts.js';
import { envelopeNeedsSmtpUtf8, groupByDomain, offersSmtpUtf8, toSmtpEnvelope, type SmtpEnvelope } from './smtp-envelope.js';
import { connectionError, SmtpConnectionError } from './smtp-connection-error.js';
import { acceptedRecipients, asTransactionFailure, errorCode, failedRecipients, rejectAll, smtpUtf8Rejections, type DeliveryResult } from './smtp-replies.js';
import { inEnvelopeOrder, logIn, transact, unreachableOutcome, type DomainOutcome } from './smtp-transaction.js';

export { resolveMxHosts } from './mx-hosts.js';
export { SmtpConnectionError } from './smtp-connection-error.js';
export type { DeliveryResult, RecipientResult } from './smtp-replies.js';

/** Settings of {@link SmtpDelivery}. */
export interface SmtpDeliveryOptions {
  /** Relay for every message, `smtp://user:pass@host:port` or `smtps://…`. Unset means direct MX delivery. */
  relayUrl?: string;
  /** TCP port of MX hosts. @default 25 */
  mxPort?: number;
  /** Resolver for MX records and MX host addresses. */
  resolver: DnsResolver;
  /** Name sent with EHLO. @default nodemailer's choice, the machine's host name */
  heloName?: string;
  /** Time allowed to connect and to receive the greeting, in milliseconds. @default 30000 */
  connectionTimeoutMs?: number;
}

const DEFAULT_MX_PORT = 25;
const DEFAULT_CONNECTION_TIMEOUT_MS = 30_000;
/** Resolver codes that mean the recipient domain has no mail host at all, a permanent failure. */
const NO_SUCH_DOMAIN_CODES = new Set(['ENOTFOUND', 'ENODATA']);

type RelayTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/** Sends built messages over SMTP, through one relay or straight to each recipient domain's MX. */
export class SmtpDelivery {
  private readonly relays = new Map<string, RelayTransport>();

  constructor(private readonly options: SmtpDeliveryOptions) {}

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

  /** Closes the pooled relay connections. */
  async close(): Promise<void> {
    for (const transport of this.relays.values()) transport.close();
    this.relays.clear();
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
      [...byDomain].map(([domain, recipients]) => this.deliverToDomain(domain, { from: envelope.from, to: recipients }, raw)),
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

  private async deliverToDomain(domain: string, envelope: SmtpEnvelope, raw: Buffer): Promise<DomainOutcome> {
    const emails = envelope.to.map((recipient) => recipient.email);
    let hosts: string[];
    try {
      hosts = await resolveMxHosts(domain, this.options.resolver);
    } catch (error) {
      return lookupFailureOutcome(domain, emails, error);
    }

    if (hosts.length === 0) {
      // RFC 7505 3: a null MX means the domain accepts no mail.
      return { recipients: rejectAll(emails, 556, `556 5.1.10 Domain ${domain} accepts no mail (null MX)`) };
    }

    const session = await this.connectToFirstHost(hosts);
    if ('error' in session) {
      return unreachableOutcome(emails, connectionError(`No MX host of ${domain} accepted a connection`, session.error));
    }
    return this.runTransaction(session.connection, session.host, envelope, raw);
  }

  private async connectToFirstHost(hosts: string[]): Promise<{ host: string; connection: SMTPConnection } | { error: unknown }> {
    let lastError: unknown;
    for (const host of hosts) {
      let addresses: string[];
      try {
        addresses = await this.hostAddresses(host);
      } catch (error) {
        lastError = error;
        continue;
      }

      for (const address of addresses) {
        try {
          return { host, connection: await this.openSession(host, this.mxConnectionOptions(host, address)) };
        } catch (error) {
          lastError = error;
        }
      }
    }
    return { error: lastError };
  }

  /** Resolves through the configured resolver, because MX host names may exist only there. */
  private async hostAddresses(host: string): Promise<string[]> {
    if (isIP(host)) return [host];

    const ipv4 = await this.options.resolver.resolve4(host).catch(() => []);
    return ipv4.length > 0 ? ipv4 : this.options.resolver.resolve6(host);
  }

  private mxConnectionOptions(host: string, address: string): SMTPConnection.Options {
    return {
      host: address,
      port: this.options.mxPort ?? DEFAULT_MX_PORT,
      secure: false,
      ignoreTLS: false,
      opportunisticTLS: true,
      servername: isIP(host) ? undefined : host,
      // MX hosts often present self-signed certificates, and opportunistic TLS encrypts without trusting them.
      tls: { rejectUnauthorized: false },
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

  /**
   * Runs one transaction on an open session and quits. Without SMTPUTF8 on the server, recipients
   * that need it are rejected here and the rest are sent, or all are rejected when the sender needs it.
   *
   * NOTE: the rest still get a message whose To or Cc may hold the rejected address in UTF-8
   * (RFC 6532), which RFC 6531 reserves for SMTPUTF8 sessions. nodemailer also adds SMTPUTF8 to
   * MAIL FROM only for a non-ASCII envelope, so such a header alone goes without that parameter.
   */
  private async runTransaction(connection: SMTPConnection, mxHost: string, envelope: SmtpEnvelope, raw: Buffer): Promise<DomainOutcome> {
    const smtpUtf8 = offersSmtpUtf8(connection);
    const senderBlocked = envelope.from.needsSmtpUtf8 && !smtpUtf8;
    const blocked = senderBlocked ? envelope.to : envelope.to.filter((recipient) => recipient.needsSmtpUtf8 && !smtpUtf8);
    const sendable = envelope.to.filter((recipient) => !blocked.includes(recipient));
    const rejected = smtpUtf8Rejections(blocked, mxHost, senderBlocked);

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

function lookupFailureOutcome(domain: string, recipients: string[], error: unknown): DomainOutcome {
  if (NO_SUCH_DOMAIN_CODES.has(errorCode(error) ?? '')) {
    return { recipients: rejectAll(recipients, 550, `550 5.1.2 Domain ${domain} has no MX or address record`) };
  }
  return unreachableOutcome(recipients, connectionError(`MX lookup for ${domain} failed`, error));
}
