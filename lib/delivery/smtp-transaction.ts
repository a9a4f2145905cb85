import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { connectionError, type SmtpConnectionError } from './smtp-connection-error.js';
import type { SmtpAddress, SmtpEnvelope } from './smtp-envelope.js';
import { acceptedRecipients, asTransactionFailure, failedRecipients, smtpUtf8Rejections, type RecipientResult } from './smtp-replies.js';

/** Results for the recipients of one domain or relay session, with the session that produced them. */
export interface DomainOutcome {
  recipients: RecipientResult[];
  session?: { mxHost: string; tls: boolean; response: string };
  connectionError?: SmtpConnectionError;
}

/**
 * Splits the recipients for a server with or without SMTPUTF8. Without it, recipients that need it
 * are rejected with 553 5.6.7 and the rest can be sent, or all are rejected when the sender needs it.
 *
 * NOTE: the rest still get a message whose To or Cc may hold the rejected address in UTF-8
 * (RFC 6532), which RFC 6531 reserves for SMTPUTF8 sessions. nodemailer also adds SMTPUTF8 to
 * MAIL FROM only for a non-ASCII envelope, so such a header alone goes without that parameter.
 */
export function splitBySmtpUtf8(envelope: SmtpEnvelope, serverOffersSmtpUtf8: boolean, host: string): { sendable: SmtpAddress[]; rejected: RecipientResult[] } {
  const senderBlocked = envelope.from.needsSmtpUtf8 && !serverOffersSmtpUtf8;
  const blocked = senderBlocked ? envelope.to : envelope.to.filter((recipient) => recipient.needsSmtpUtf8 && !serverOffersSmtpUtf8);
  return {
    sendable: envelope.to.filter((recipient) => !blocked.includes(recipient)),
    rejected: smtpUtf8Rejections(blocked, host, senderBlocked),
  };
}

/** Sends `raw` to `recipients` on an open session and quits, whatever the outcome. */
export function transact(connection: SMTPConnection, mxHost: string, from: SmtpAddress, recipients: SmtpAddress[], raw: Buffer): Promise<DomainOutcome> {
  const wire = { from: from.address, to: recipients.map((recipient) => recipient.address) };

  return new Promise((resolve) => {
    connection.send(wire, raw, (error, info) => {
      const tls = connection.secure;
      connection.quit();

      if (!error) {
        resolve({ session: { mxHost, tls, response: info.response }, recipients: acceptedRecipients(recipients, info) });
        return;
      }

      const failure = asTransactionFailure(error);
      if (!failure) {
        resolve(unreachableOutcome(recipients.map((recipient) => recipient.email), connectionError(`Session with ${mxHost} failed`, error)));
        return;
      }
      const response = failure.response ?? failure.message;
      resolve({ session: { mxHost, tls, response }, recipients: failedRecipients(recipients, failure) });
    });
  });
}

/** Authenticates an open session with the user and password of a relay URL. */
export function logIn(connection: SMTPConnection, auth: { user: string; pass: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.login(auth, (error) => (error ? reject(error) : resolve()));
  });
}

/** Marks every recipient unreached, with no reply code, so the message is deferred. */
export function unreachableOutcome(recipients: string[], error: SmtpConnectionError): DomainOutcome {
  return {
    recipients: recipients.map((email) => ({ email, accepted: false, code: null, enhancedStatus: null, response: error.message })),
    connectionError: error,
  };
}

/** Orders results as the envelope lists the recipients. */
export function inEnvelopeOrder(recipients: SmtpAddress[], results: RecipientResult[]): RecipientResult[] {
  const byEmail = new Map(results.map((result) => [result.email, result]));
  return recipients.flatMap((recipient) => byEmail.get(recipient.email) ?? []);
}
