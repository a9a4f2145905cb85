import { classifyFinalFailure, enhancedStatusIn, type ReplyReason, type SmtpReply } from '../delivery/reply-classifier.js';
import { isDelayEntry, isSuccessEntry, type DeliveryStatusEntry } from './delivery-status.js';
import { headerBlock } from './header-fields.js';
import { addressesIn, type InboundMessage } from './inbound-message.js';
import type { InboundRecipient, InboundReferences, InboundReport } from './inbound-report.js';
import { extractTextFailures, humanReadablePart, oneLine, type TextFailure } from './plain-bounce.js';

/**
 * Reports of a reply to DATA: Postfix, Exim, DragonFly and m-FILTER name the command, a Sendmail
 * transcript shows the reply after `>>> DATA`, and au (ezweb.ne.jp) leaves the address out of the
 * "550 : User unknown" that its recipients' filters send after DATA. A pipelining Sendmail prints
 * the RCPT TO replies after `>>> DATA` too, each followed by its own `<address>... reason` line,
 * so a reply followed by such a line is not a reply to DATA.
 */
const AFTER_DATA =
  /in reply to end of data|after end of data|did not like our final data|smtp command\s*\n\s*data\b|>>> data\s*\n\s*<<< [45]\d\d[^\n]*\n(?![ \t]*[45]\d\d[ -][^\n]*>\.\.\.)|^[ \t]*(?:<<< )?5\d\d:?[ \t]+:[ \t]*user unknown/im;
/**
 * Reports of a reply to RCPT TO: Postfix and Exim name the command, qmail writes that the host
 * "does not like recipient", and Postfix's recipient restrictions reply "Recipient address rejected".
 */
const AFTER_RCPT = /in reply to rcpt to|after rcpt to|rcpt to (command|response)|did not like our rcpt to|does not like recipient|recipient address rejected|>>> rcpt to:[^\n]*\n\s*<<< [45]\d\d/i;
/** Enhanced status codes about the mailbox's state (x.2.x), the mail system (x.3.x) or policy (x.7.x). */
const NOT_ADDRESS_STATUS = /^\d\.[237]\.\d+$/;
/** Texts that state outright that the account does not exist, as Yahoo's does after DATA. */
const NO_SUCH_ACCOUNT = /(doesn't|does not) (have an? .{1,40} account|exist)/i;
/** Amazon SES wraps the remote reply: `5.1.0 - Unknown address error 550-'5.7.1 … Access denied'`. */
const SES_WRAPPED_REPLY = /^\d\.\d{1,3}\.\d{1,3} - [^']*?(\d{3})-'(.*)'/s;
/** The first failure code of a reply text. A leading 2xx is the greeting that some MTAs quote first. */
const FAILURE_CODE = /(?:^|[\s:(])([45]\d\d)(?=[\s-]|$)/;
/** Delay notices in the subject or the opening of a bounce without a delivery-status part. */
const DELAY_NOTICE = /\(delay\)|delivery delayed|has been delayed|warning message only|warning: could not send|still undelivered|will (be retried|keep trying)/i;

/**
 * Builds the report of a DSN from its status entries, reading the human-readable part for
 * recipients whose entry has no diagnostic. Without entries, the failed recipients come from the
 * text, else from `X-Failed-Recipients`, else, with `guessRecipient`, from a returned original
 * that was sent to one address.
 */
export function buildDeliveryReport(
  message: InboundMessage,
  entries: DeliveryStatusEntry[],
  references: InboundReferences,
  options: { guessRecipient: boolean } = { guessRecipient: true },
): InboundReport {
  const textFailures = extractTextFailures(message.text, new Set([...message.to, ...message.from]));
  const report: InboundReport = { kind: 'dsn', recipients: [], delayed: [], feedbackType: null, references };

  if (entries.length === 0) {
    const delayed = DELAY_NOTICE.test(`${message.subject}\n${humanReadablePart(message.text).slice(0, 2000)}`);
    const failures = textFailures.length > 0 ? textFailures : unnamedFailures(message, options.guessRecipient);
    for (const failure of failures) (delayed ? report.delayed : report.recipients).push(recipientOfText(failure, delayed));
    return report;
  }

  for (const entry of entries) {
    if (isSuccessEntry(entry)) continue;

    const recipient = recipientOfEntry(entry, textFailures.find((failure) => failure.email === entry.email));
    if (isDelayEntry(entry)) report.delayed.push({ ...recipient, category: 'soft' });
    else report.recipients.push(recipient);
  }
  return report;
}

function recipientOfEntry(entry: DeliveryStatusEntry, fromText: TextFailure | undefined): InboundRecipient {
  const diagnostic = entry.diagnostic ?? fromText?.diagnostic ?? null;
  const reply = replyOf(diagnostic ?? '');
  const status = chooseStatus(entry.status ?? fromText?.status ?? null, reply.status, reply.code);
  // Without a Diagnostic-Code, all the lines of the text about the recipient explain the failure.
  const response = entry.diagnostic === null && fromText ? fromText.context : reply.text;
  const { category, reason } = finalCategory({ code: reply.code, enhancedStatus: status, response }, fromText?.context);
  return { email: entry.email, status, category, reason, action: entry.action ?? 'failed', diagnostic, remoteMta: entry.remoteMta };
}

function recipientOfText(failure: TextFailure, delayed: boolean): InboundRecipient {
  const classified = finalCategory({ code: failure.code, enhancedStatus: failure.status, response: failure.context }, failure.context);
  // Google Groups sends one translated notice, without a reply, for a missing group and for a
  // refused post alike. It counts as a block, which suppresses nothing.
  const groupNotice = failure.email.endsWith('@googlegroups.com') && failure.code === null;
  let { category, reason } = classified;
  if (groupNotice) ({ category, reason } = { category: 'block', reason: 'policy' });
  if (delayed) category = 'soft';

  return {
    email: failure.email,
    status: failure.status,
    category,
    reason,
    action: delayed ? 'delayed' : 'failed',
    diagnostic: failure.diagnostic,
    remoteMta: null,
  };
}

/**
 * Classifies a final failure. An "unknown user" text is a missing address when the status is
 * x.1.x, 4.1.1 included, or the text states that the account does not exist. Otherwise an unknown mailbox
 * refused only after DATA, which the server accepted at RCPT TO, is a filter's verdict on the
 * message: a block, which suppresses nothing. So is one whose status names the mailbox's state,
 * the mail system or policy, unless the report shows that the server refused the RCPT TO.
 */
function finalCategory(reply: SmtpReply, context: string | undefined): { category: 'hard' | 'soft' | 'block'; reason: ReplyReason } {
  const classified = classifyFinalFailure(reply);
  const status = reply.enhancedStatus ?? '';
  if (classified.reason !== 'mailbox_unknown') return classified;
  // The reporting MTA gave up on an address that the last attempt called unknown. Some servers
  // reply 450 4.1.1 to unknown users out of caution until the message expires.
  if (status === '4.1.1') return { category: 'hard', reason: 'mailbox_unknown' };
  if (/^\d\.1\.\d+$/.test(status)) return classified;

  const evidence = `${reply.response}\n${context ?? ''}`;
  const filtered = { category: 'block', reason: 'policy' } as const;
  if (AFTER_DATA.test(evidence) && !NO_SUCH_ACCOUNT.test(reply.response)) return filtered;
  if (NOT_ADDRESS_STATUS.test(status) && !AFTER_RCPT.test(evidence)) return filtered;
  return classified;
}

/**
 * Returns the reply code, status and text of a diagnostic, unwrapped from Amazon SES's own wording.
 * The status of that wording is used when the remote reply gives none.
 */
function replyOf(diagnostic: string): { code: number | null; status: string | null; text: string } {
  const wrapped = SES_WRAPPED_REPLY.exec(diagnostic);
  const text = wrapped ? `${wrapped[1]} ${wrapped[2]}` : diagnostic;
  const code = FAILURE_CODE.exec(text)?.[1];
  return { code: code ? Number(code) : null, status: enhancedStatusIn(text) ?? enhancedStatusIn(diagnostic), text };
}

/**
 * Prefers the status that the remote server gave in its reply over the `Status` field, which the
 * reporting MTA fills in, often with a guess (`5.0.0`) or its own code (Amazon SES reports `5.1.0`
 * for every remote refusal). A reply status of another class than the reply code is ignored.
 */
function chooseStatus(fieldStatus: string | null, inText: string | null, code: number | null): string | null {
  if (!inText || (code !== null && String(code)[0] !== inText[0])) return fieldStatus ?? inText;
  return inText;
}

/**
 * Lists the failed recipients of a bounce that names none in its text: the `X-Failed-Recipients` header of
 * Exim and Google, else the one recipient of the returned original.
 */
function unnamedFailures(message: InboundMessage, guessRecipient: boolean): TextFailure[] {
  const explanation = humanReadablePart(message.text);
  const failedHeader = addressesIn([message.header('x-failed-recipients') ?? '']);
  const originalTo = guessRecipient ? [...new Set(addressesIn(returnedHeaders(message).flatMap((headers) => toValuesOf(headers))))] : [];
  let emails = failedHeader;
  if (emails.length === 0 && originalTo.length === 1) emails = originalTo;

  const code = FAILURE_CODE.exec(explanation)?.[1];
  return emails.map((email) => ({
    email,
    diagnostic: oneLine(explanation),
    code: code ? Number(code) : null,
    status: enhancedStatusIn(explanation),
    context: explanation,
  }));
}

/** Returns the header blocks of the returned original: its parts, else the text after the bounce's explanation. */
function returnedHeaders(message: InboundMessage): string[] {
  const parts = ['message/rfc822', 'text/rfc822-headers'].flatMap((type) => message.parts.get(type) ?? []);
  if (parts.length > 0) return parts.map((part) => headerBlock(part));

  const returned = message.text.slice(humanReadablePart(message.text).length);
  const firstField = /^[\w-]+:/m.exec(returned);
  return firstField ? [headerBlock(returned.slice(firstField.index))] : [];
}

/** Returns the values of the `To` header lines in a text, quoted (`> To:`) or not. */
export function toValuesOf(text: string): string[] {
  return [...text.matchAll(/^[> \t]*to:[ \t]*(.+)$/gim)].map((match) => match[1]);
}
