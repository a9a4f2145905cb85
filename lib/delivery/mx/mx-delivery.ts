import { isIP } from 'node:net';
import { Logger } from '@nestjs/common';
import type { DnsResolver } from '../../common/dns-resolver.js';
import { resolveMxHosts } from '../mx-hosts.js';
import { classifySmtpReply, type SmtpReply } from '../reply-classifier.js';
import { connectionError, type SmtpConnectionError } from '../smtp-connection-error.js';
import type { SmtpEnvelope } from '../smtp-envelope.js';
import { errorCode, rejectAll, type RecipientResult } from '../smtp-replies.js';
import { splitBySmtpUtf8, unreachableOutcome, type DomainOutcome } from '../smtp-transaction.js';
import type { DomainThrottle, ThrottleAdmission, TransactionFeedback } from './domain-throttle.js';
import { MxConnectionPool, type ConnectionPoolSettings } from './mx-connection-pool.js';
import { MxSession, type MxSessionSettings, type MxTarget, type OpenResult } from './mx-session.js';

/** Settings of {@link MxDelivery}, with every default applied. */
export interface MxDeliverySettings {
  resolver: DnsResolver;
  port: number;
  session: MxSessionSettings;
  pool: ConnectionPoolSettings;
  throttle: DomainThrottle;
}

/** Resolver codes that mean the recipient domain has no mail host at all, a permanent failure. */
const NO_SUCH_DOMAIN_CODES = new Set(['ENOTFOUND', 'ENODATA']);

/** Outcome of one domain, with the feedback for the throttle. */
interface Attempt {
  outcome: DomainOutcome;
  feedback: TransactionFeedback;
}

/**
 * Direct delivery to the MX hosts of one recipient domain at a time: hosts by preference, pooled
 * sessions, per-phase timeouts, the STARTTLS policy and the domain's throttle.
 */
export class MxDelivery {
  private readonly logger = new Logger(MxDelivery.name);
  private readonly pool: MxConnectionPool;

  constructor(private readonly settings: MxDeliverySettings) {
    this.pool = new MxConnectionPool(settings.pool);
  }

  /**
   * Delivers `raw` to the recipients of `envelope`, which all belong to `domain`. A host that fails
   * before the message data began (refused, timed out, TLS required but missing) passes the
   * message to the next host. After the data began, a failure defers the recipients with an
   * unknown outcome and no other host is tried, because the server may have accepted the message.
   */
  async deliverToDomain(domain: string, envelope: SmtpEnvelope, raw: Buffer): Promise<DomainOutcome> {
    const emails = envelope.to.map((recipient) => recipient.email);
    let hosts: string[];
    try {
      hosts = await resolveMxHosts(domain, this.settings.resolver);
    } catch (error) {
      return lookupFailureOutcome(domain, emails, error);
    }

    if (hosts.length === 0) {
      // RFC 7505 3: a null MX means the domain accepts no mail.
      return { recipients: rejectAll(emails, 556, `556 5.1.10 Domain ${domain} accepts no mail (null MX)`) };
    }

    let admission: ThrottleAdmission;
    try {
      admission = await this.settings.throttle.admit(domain);
    } catch (error) {
      this.logger.error(`Throttling state of ${domain} could not be read, so its recipients are deferred: ${(error as Error).message}`);
      const unread = unreachableOutcome(emails, connectionError(`Throttling state of ${domain} could not be read`, error));
      // No server was contacted, so the try counts as held back.
      return { ...unread, recipients: unread.recipients.map((recipient) => ({ ...recipient, heldBack: true })) };
    }
    if (!admission.admitted) return throttledOutcome(domain, emails, admission);

    let attempt: Attempt | undefined;
    try {
      attempt = await this.deliverThroughHosts(domain, hosts, envelope, raw);
      return attempt.outcome;
    } finally {
      await admission.permit.release(attempt?.feedback ?? { delivered: false });
    }
  }

  /** Quits the idle sessions. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  private async deliverThroughHosts(domain: string, hosts: string[], envelope: SmtpEnvelope, raw: Buffer): Promise<Attempt> {
    const failures: SmtpConnectionError[] = [];
    let rateLimitedBy: string | undefined;

    const pooled = await this.pool.take(hosts, this.settings.port);
    if (pooled) {
      const result = await this.transact(pooled, envelope, raw);
      // The server may just have closed the idle session, so a failure before DATA does not rule
      // out its host, and every host gets a fresh try below.
      if (!('hostFailure' in result)) return result;
      failures.push(result.hostFailure);
    }

    for (const host of hosts) {
      let addresses: string[];
      try {
        addresses = await this.hostAddresses(host);
      } catch (error) {
        failures.push(connectionError(`Address lookup for ${host} failed`, error));
        continue;
      }

      for (const address of addresses) {
        const opened = await this.open({ host, address, port: this.settings.port });
        if ('error' in opened) {
          failures.push(opened.error);
          if (opened.reply && isRateLimiting({ code: null, enhancedStatus: null, response: opened.reply })) rateLimitedBy = opened.reply;
          continue;
        }

        const result = await this.transact(opened.session, envelope, raw);
        if (!('hostFailure' in result)) return { ...result, feedback: { ...result.feedback, rateLimitedBy: result.feedback.rateLimitedBy ?? rateLimitedBy } };
        failures.push(result.hostFailure);
      }
    }

    const lastFailure = failures[failures.length - 1];
    const emails = envelope.to.map((recipient) => recipient.email);
    return {
      outcome: unreachableOutcome(emails, connectionError(`Delivery to every MX host of ${domain} failed`, lastFailure ?? 'no host address')),
      feedback: { rateLimitedBy, delivered: false },
    };
  }

  /**
   * Opens a session. After a failed TLS handshake the session is opened once more without
   * STARTTLS, unless TLS is required, because opportunistic TLS prefers plaintext to no delivery.
   */
  private async open(target: MxTarget): Promise<OpenResult> {
    const opened = await MxSession.open(target, this.settings.session);
    if ('session' in opened || !opened.tlsHandshakeFailed || this.settings.session.requireTls) return opened;

    this.logger.warn(`TLS handshake with ${target.host} failed, so the session is retried without TLS: ${opened.error.message}`);
    return MxSession.open(target, this.settings.session, true);
  }

  /**
   * Runs one transaction and gives the session back to the pool when it is still usable. See
   * {@link splitBySmtpUtf8} for servers without SMTPUTF8.
   */
  private async transact(session: MxSession, envelope: SmtpEnvelope, raw: Buffer): Promise<Attempt | { hostFailure: SmtpConnectionError }> {
    const { sendable, rejected } = splitBySmtpUtf8(envelope, session.offersSmtpUtf8, session.target.host);

    if (sendable.length === 0) {
      this.pool.give(session);
      return attemptOf(session, rejected[0]?.response ?? '', rejected);
    }

    const transaction = await session.send(envelope.from, sendable, raw);
    if (transaction.kind === 'replied') {
      this.pool.give(session);
      return attemptOf(session, transaction.response, [...transaction.recipients, ...rejected]);
    }

    session.close();
    if (transaction.kind === 'host-failure') return { hostFailure: transaction.error };

    this.logger.warn(`Session with ${session.target.host} failed after the message data began; ${sendable.length} recipient(s) are deferred with an unknown outcome: ${transaction.error.message}`);
    const unknown = sendable.map((recipient) => ({ ...unreachedResult(recipient.email, transaction.error.message), outcomeUnknown: true }));
    return attemptOf(session, transaction.error.message, [...unknown, ...rejected]);
  }

  /** Resolves through the configured resolver, because MX host names may exist only there. */
  private async hostAddresses(host: string): Promise<string[]> {
    if (isIP(host)) return [host];

    const ipv4 = await this.settings.resolver.resolve4(host).catch(() => []);
    return ipv4.length > 0 ? ipv4 : this.settings.resolver.resolve6(host);
  }
}

/** Outcome of a transaction on `session`, and what its replies tell the throttle. */
function attemptOf(session: MxSession, response: string, recipients: RecipientResult[]): Attempt {
  const slowDown = recipients.find((recipient) => recipient.code !== null && isRateLimiting(recipient));
  return {
    outcome: { session: { mxHost: session.target.host, tls: session.tls, response }, recipients },
    feedback: { rateLimitedBy: slowDown?.response, delivered: recipients.some((recipient) => recipient.accepted) },
  };
}

/** Returns true for a reply that requests a lower sending rate: 421, or a 4.7.x or 5.x.x reply naming a rate. */
function isRateLimiting(reply: SmtpReply): boolean {
  return classifySmtpReply(reply).rateLimited;
}

function throttledOutcome(domain: string, emails: string[], admission: Exclude<ThrottleAdmission, { admitted: true }>): DomainOutcome {
  const detail =
    admission.cause === 'rate'
      ? `its next send time is ${Math.ceil(admission.waitMs / 1000)} s away`
      : `no concurrency slot came free (limit ${admission.concurrency})`;
  const recipients = rejectAll(emails, 451, `451 4.7.0 ScaiSend throttling ${domain}: ${detail}`).map((recipient) => ({ ...recipient, heldBack: true }));
  if (admission.cause !== 'rate') return { recipients };
  return { recipients: recipients.map((recipient) => ({ ...recipient, retryAfterMs: admission.waitMs })) };
}

function unreachedResult(email: string, response: string): RecipientResult {
  return { email, accepted: false, code: null, enhancedStatus: null, response };
}

function lookupFailureOutcome(domain: string, recipients: string[], error: unknown): DomainOutcome {
  if (NO_SUCH_DOMAIN_CODES.has(errorCode(error) ?? '')) {
    return { recipients: rejectAll(recipients, 550, `550 5.1.2 Domain ${domain} has no MX or address record`) };
  }
  return unreachableOutcome(recipients, connectionError(`MX lookup for ${domain} failed`, error));
}
