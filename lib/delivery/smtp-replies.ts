import type { NodemailerError } from 'nodemailer/lib/errors';
import type { SMTPConnectionEnvelopeInfo } from 'nodemailer/lib/smtp-connection';
import type { SmtpAddress } from './smtp-envelope.js';

/** Outcome for one envelope recipient. */
export interface RecipientResult {
  email: string;
  accepted: boolean;
  /**
   * SMTP reply code, or null when no server could be reached. For a domain without a mail host the
   * code is set locally as an MTA would set it: 550 when it does not exist, 556 for a null MX. So is
   * 553 for a non-ASCII address that the server cannot take because it does not offer SMTPUTF8.
   */
  code: number | null;
  /** RFC 3463 enhanced status code from the reply text, such as `5.1.1`. */
  enhancedStatus: string | null;
  response: string;
  /**
   * True when the session failed after the message data began (timeout or lost connection). The
   * server may have accepted the message, and the recipient counts as deferred. Absent otherwise.
   */
  outcomeUnknown?: boolean;
  /** True when the module's own throttle held the recipient back, so no server was contacted. Absent otherwise. */
  heldBack?: boolean;
  /** Time until the recipient domain's next send time, set when throttling held the recipient back for its rate, in milliseconds. */
  retryAfterMs?: number;
}

/** Outcome of one `SmtpDelivery.send` call. */
export interface DeliveryResult {
  /** Relay host, or the MX host of the first transaction; null when no transaction took place. */
  mxHost: string | null;
  /** True when every transaction ran over TLS. */
  tls: boolean;
  /** Last reply of the first transaction: to DATA, or the failure that ended it. */
  response: string | null;
  recipients: RecipientResult[];
}

const TRANSACTION_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

/** Returns the error when the server replied to MAIL FROM, RCPT TO or DATA with a failure code. */
export function asTransactionFailure(error: unknown): NodemailerError | null {
  const candidate = error as NodemailerError;
  if (!candidate || typeof candidate.responseCode !== 'number') return null;
  return TRANSACTION_COMMANDS.has(candidate.command ?? '') ? candidate : null;
}

/** Results of a transaction that ended with DATA accepted: RCPT rejections stay rejections. */
export function acceptedRecipients(recipients: SmtpAddress[], info: SMTPConnectionEnvelopeInfo & { response: string }): RecipientResult[] {
  return resultsWithRejections(recipients, info.rejectedErrors, (recipient) => replyResult(recipient.email, true, info.response));
}

/** Results of a transaction that failed: RCPT rejections keep their own reply, the rest get the failure. */
export function failedRecipients(recipients: SmtpAddress[], failure: NodemailerError): RecipientResult[] {
  const response = failure.response ?? failure.message;
  return resultsWithRejections(recipients, failure.rejectedErrors, (recipient) => replyResult(recipient.email, false, response, failure.responseCode));
}

/** Rejects every address of `emails` with one locally set reply. */
export function rejectAll(emails: string[], code: number, response: string): RecipientResult[] {
  return emails.map((email) => replyResult(email, false, response, code));
}

/**
 * Rejects recipients that need SMTPUTF8 on a server that does not offer it, with 553 and RFC 3463
 * code 5.6.7 (non-ASCII addresses not permitted), as an MTA would report it (RFC 6531 section 3.2).
 */
export function smtpUtf8Rejections(recipients: SmtpAddress[], host: string, senderNeedsIt: boolean): RecipientResult[] {
  const addressRole = senderNeedsIt ? 'The sender address' : 'The recipient address';
  const response = `553 5.6.7 ${addressRole} has a non-ASCII local part, which needs SMTPUTF8, and ${host} does not offer SMTPUTF8`;
  return rejectAll(recipients.map((recipient) => recipient.email), 553, response);
}

/** Prefers the system code (`ECONNREFUSED`) that nodemailer keeps as `originalCode`. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;

  const { originalCode, code } = error as { originalCode?: unknown; code?: unknown };
  if (typeof originalCode === 'string') return originalCode;
  return typeof code === 'string' ? code : undefined;
}

/** nodemailer names a rejected recipient by the wire address, so results map back to the spelling given. */
function resultsWithRejections(
  recipients: SmtpAddress[],
  rejections: NodemailerError[] | undefined,
  otherwise: (recipient: SmtpAddress) => RecipientResult,
): RecipientResult[] {
  const byAddress = new Map<string, NodemailerError>();
  for (const rejection of rejections ?? []) {
    if (rejection.recipient) byAddress.set(rejection.recipient.toLowerCase(), rejection);
  }

  return recipients.map((recipient) => {
    const rejection = byAddress.get(recipient.address.toLowerCase());
    if (!rejection) return otherwise(recipient);
    return replyResult(recipient.email, false, rejection.response ?? rejection.message, rejection.responseCode);
  });
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
