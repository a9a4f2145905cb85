import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer/lib/smtp-pool';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPConnectionEnvelopeInfo } from 'nodemailer/lib/smtp-connection';
import type { DnsResolver, MxRecord } from '../common/dns-resolver.js';

/** Outcome for one envelope recipient. */
export interface RecipientResult {
  email: string;
  accepted: boolean;
  /**
   * SMTP reply code, or null when no server could be reached. For a domain without a mail host the
   * code is set locally as an MTA would set it: 550 when it does not exist, 556 for a null MX.
   */
  code: number | null;
  /** RFC 3463 enhanced status code from the reply text, such as `5.1.1`. */
  enhancedStatus: string | null;
  response: string;
}

/** Outcome of one {@link SmtpDelivery.send} call. */
export interface DeliveryResult {
  /** Relay host, or the MX host of the first transaction; null when no transaction took place. */
  mxHost: string | null;
  /** True when every transaction ran over TLS. */
  tls: boolean;
  /** Last reply of the first transaction: to DATA, or the failure that ended it. */
  response: string | null;
  recipients: RecipientResult[];
}

/** No SMTP server could be reached for any recipient: refused, timed out or no resolvable host. */
export class SmtpConnectionError extends Error {
  /** Socket or resolver error code, such as `ECONNREFUSED`, `ETIMEDOUT` or `ESERVFAIL`. */
  code?: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SmtpConnectionError';
    this.code = options.code;
  }
}

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
const TRANSACTION_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);
/** Resolver codes that mean the recipient domain has no mail host at all, a permanent failure. */
const NO_SUCH_DOMAIN_CODES = new Set(['ENOTFOUND', 'ENODATA']);

type Envelope = { from: string; to: string[] };
type RelayTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

interface DomainOutcome {
  recipients: RecipientResult[];
  session?: { mxHost: string; tls: boolean; response: string };
  connectionError?: SmtpConnectionError;
}

/** Sends built messages over SMTP, through one relay or straight to each recipient domain's MX. */
export class SmtpDelivery {
  private readonly relays = new Map<string, RelayTransport>();

  constructor(private readonly options: SmtpDeliveryOptions) {}

  /**
   * Sends `raw` to every envelope recipient. Rejections at RCPT or DATA come back per recipient, and
   * {@link SmtpConnectionError} is thrown when no recipient's server could be reached.
   */
  async send(raw: Buffer, envelope: Envelope): Promise<DeliveryResult> {
    const unique: Envelope = { from: envelope.from, to: uniqueAddresses(envelope.to) };
    if (unique.to.length === 0) throw new Error('SMTP envelope has no recipients');

    return this.options.relayUrl ? this.sendViaRelay(this.options.relayUrl, raw, unique) : this.sendDirect(raw, unique);
  }

  /** Closes the pooled relay connections. */
  async close(): Promise<void> {
    for (const transport of this.relays.values()) transport.close();
    this.relays.clear();
  }

  private async sendViaRelay(relayUrl: string, raw: Buffer, envelope: Envelope): Promise<DeliveryResult> {
    const url = new URL(relayUrl);
    // NOTE: the pool does not report whether opportunistic STARTTLS succeeded, so only a relay URL
    // that makes TLS certain (smtps:, secure=true or requireTLS=true) reports tls true.
    const tls = url.protocol === 'smtps:' || url.searchParams.get('secure') === 'true' || url.searchParams.get('requireTLS') === 'true';

    try {
      const info = await this.relayTransport(relayUrl).sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
      return { mxHost: url.hostname, tls, response: info.response, recipients: acceptedRecipients(envelope.to, info) };
    } catch (error) {
      const failure = asTransactionFailure(error);
      if (!failure) throw connectionError(`Session with relay ${url.host} failed`, error);

      return { mxHost: url.hostname, tls, response: failure.response ?? null, recipients: failedRecipients(envelope.to, failure) };
    }
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

  private async sendDirect(raw: Buffer, envelope: Envelope): Promise<DeliveryResult> {
    const byDomain = groupByDomain(envelope.to);
    const outcomes = await Promise.all(
      [...byDomain].map(([domain, recipients]) => this.deliverToDomain(domain, { from: envelope.from, to: recipients }, raw)),
    );

    const unreachable = outcomes.filter((outcome) => outcome.connectionError);
    if (unreachable.length === outcomes.length && unreachable[0]?.connectionError) throw unreachable[0].connectionError;

    const sessions = outcomes.flatMap((outcome) => (outcome.session ? [outcome.session] : []));
    const results = new Map(outcomes.flatMap((outcome) => outcome.recipients).map((result) => [result.email, result]));
    return {
      mxHost: sessions[0]?.mxHost ?? null,
      tls: sessions.length > 0 && sessions.every((session) => session.tls),
      response: sessions[0]?.response ?? null,
      recipients: envelope.to.flatMap((email) => results.get(email) ?? []),
    };
  }

  private async deliverToDomain(domain: string, envelope: Envelope, raw: Buffer): Promise<DomainOutcome> {
    let hosts: string[];
    try {
      hosts = await resolveMxHosts(domain, this.options.resolver);
    } catch (error) {
      return lookupFailureOutcome(domain, envelope.to, error);
    }

    if (hosts.length === 0) {
      // RFC 7505 3: a null MX means the domain accepts no mail.
      return { recipients: rejectAll(envelope.to, 556, `556 5.1.10 Domain ${domain} accepts no mail (null MX)`) };
    }

    const session = await this.connectToFirstHost(hosts);
    if ('error' in session) {
      return unreachableOutcome(envelope.to, connectionError(`No MX host of ${domain} accepted a connection`, session.error));
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
          return { host, connection: await this.openSession(host, address) };
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

  private openSession(host: string, address: string): Promise<SMTPConnection> {
    const connection = new SMTPConnection({
      host: address,
      port: this.options.mxPort ?? DEFAULT_MX_PORT,
      secure: false,
      ignoreTLS: false,
      opportunisticTLS: true,
      servername: isIP(host) ? undefined : host,
      // MX hosts often present self-signed certificates, and opportunistic TLS encrypts without trusting them.
      tls: { rejectUnauthorized: false },
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

  private runTransaction(connection: SMTPConnection, mxHost: string, envelope: Envelope, raw: Buffer): Promise<DomainOutcome> {
    return new Promise((resolve) => {
      connection.send(envelope, raw, (error, info) => {
        const tls = connection.secure;
        connection.quit();

        if (!error) {
          resolve({ session: { mxHost, tls, response: info.response }, recipients: acceptedRecipients(envelope.to, info) });
          return;
        }

        const failure = asTransactionFailure(error);
        if (!failure) {
          resolve(unreachableOutcome(envelope.to, connectionError(`Session with ${mxHost} failed`, error)));
          return;
        }
        const response = failure.response ?? failure.message;
        resolve({ session: { mxHost, tls, response }, recipients: failedRecipients(envelope.to, failure) });
      });
    });
  }

  private connectionTimeoutMs(): number {
    return this.options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  }
}

/**
 * Lists the hosts to try for `domain`, following RFC 5321 5.1 and RFC 7505.
 *
 * MX exchanges come by ascending preference, shuffled among equal preferences. A domain without MX
 * but with an A or AAAA record is its own host, and a null MX gives an empty list. Otherwise the
 * promise rejects with the resolver's error, `ENOTFOUND` or `ENODATA` when the domain has no mail host.
 */
export async function resolveMxHosts(domain: string, resolver: DnsResolver): Promise<string[]> {
  let records: MxRecord[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    if (errorCode(error) !== 'ENODATA') throw error;
    records = [];
  }

  if (records.length === 0) {
    await resolveAnyAddress(domain, resolver);
    return [domain];
  }

  const hosts = records.filter((record) => !isNullExchange(record.exchange));
  return byPreference(hosts).map((record) => record.exchange.replace(/\.$/, '').toLowerCase());
}

async function resolveAnyAddress(domain: string, resolver: DnsResolver): Promise<void> {
  const ipv4 = await resolver.resolve4(domain).catch(() => []);
  if (ipv4.length > 0) return;

  await resolver.resolve6(domain);
}

/** Node reports the root name of a null MX as an empty exchange. */
function isNullExchange(exchange: string): boolean {
  return exchange === '' || exchange === '.';
}

function byPreference(records: MxRecord[]): MxRecord[] {
  const shuffled = records.map((record) => ({ record, tiebreak: Math.random() }));
  shuffled.sort((a, b) => a.record.priority - b.record.priority || a.tiebreak - b.tiebreak);
  return shuffled.map((entry) => entry.record);
}

function uniqueAddresses(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function groupByDomain(addresses: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const address of addresses) {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    groups.set(domain, [...(groups.get(domain) ?? []), address]);
  }
  return groups;
}

/** Returns the error when the server replied to MAIL FROM, RCPT TO or DATA with a failure code. */
function asTransactionFailure(error: unknown): NodemailerError | null {
  const candidate = error as NodemailerError;
  if (!candidate || typeof candidate.responseCode !== 'number') return null;
  return TRANSACTION_COMMANDS.has(candidate.command ?? '') ? candidate : null;
}

function acceptedRecipients(recipients: string[], info: SMTPConnectionEnvelopeInfo & { response: string }): RecipientResult[] {
  const rejections = rejectionsByAddress(info.rejectedErrors);
  return recipients.map((email) => rejections.get(email.toLowerCase()) ?? replyResult(email, true, info.response));
}

function failedRecipients(recipients: string[], failure: NodemailerError): RecipientResult[] {
  const rejections = rejectionsByAddress(failure.rejectedErrors);
  return recipients.map(
    (email) => rejections.get(email.toLowerCase()) ?? replyResult(email, false, failure.response ?? failure.message, failure.responseCode),
  );
}

function rejectionsByAddress(errors: NodemailerError[] | undefined): Map<string, RecipientResult> {
  const rejections = new Map<string, RecipientResult>();
  for (const error of errors ?? []) {
    if (!error.recipient) continue;
    const result = replyResult(error.recipient, false, error.response ?? error.message, error.responseCode);
    rejections.set(error.recipient.toLowerCase(), result);
  }
  return rejections;
}

function rejectAll(recipients: string[], code: number, response: string): RecipientResult[] {
  return recipients.map((email) => replyResult(email, false, response, code));
}

function replyResult(email: string, accepted: boolean, response: string, code?: number): RecipientResult {
  const replyCode = code ?? Number(/^\d{3}/.exec(response)?.[0] ?? NaN);
  return {
    email,
    accepted,
    code: Number.isNaN(replyCode) ? null : replyCode,
    enhancedStatus: /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?=\s|$)/.exec(response)?.[1] ?? null,
    response,
  };
}

function lookupFailureOutcome(domain: string, recipients: string[], error: unknown): DomainOutcome {
  if (NO_SUCH_DOMAIN_CODES.has(errorCode(error) ?? '')) {
    return { recipients: rejectAll(recipients, 550, `550 5.1.2 Domain ${domain} has no MX or address record`) };
  }
  return unreachableOutcome(recipients, connectionError(`MX lookup for ${domain} failed`, error));
}

function unreachableOutcome(recipients: string[], error: SmtpConnectionError): DomainOutcome {
  return {
    recipients: recipients.map((email) => ({ email, accepted: false, code: null, enhancedStatus: null, response: error.message })),
    connectionError: error,
  };
}

function connectionError(context: string, cause: unknown): SmtpConnectionError {
  if (cause instanceof SmtpConnectionError) return new SmtpConnectionError(`${context}: ${cause.message}`, { code: cause.code, cause });

  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SmtpConnectionError(`${context}: ${detail}`, { code: errorCode(cause), cause });
}

/** Prefers the system code (`ECONNREFUSED`) that nodemailer keeps as `originalCode`. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;

  const { originalCode, code } = error as { originalCode?: unknown; code?: unknown };
  if (typeof originalCode === 'string') return originalCode;
  return typeof code === 'string' ? code : undefined;
}
