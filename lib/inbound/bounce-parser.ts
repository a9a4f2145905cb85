import { hasBounceSubject, isAutoReply, isForward } from './auto-reply.js';
import { parseDeliveryStatus, type DeliveryStatusEntry } from './delivery-status.js';
import { buildDeliveryReport, toValuesOf } from './dsn-report.js';
import { complaintRecipients, parseFeedbackReport } from './feedback-report.js';
import { headerBlock } from './header-fields.js';
import { addressesIn, readInboundMessage, type InboundMessage } from './inbound-message.js';
import type { InboundReferences, InboundReport } from './inbound-report.js';
import { humanReadablePart } from './plain-bounce.js';
import { findReferences } from './report-references.js';
import { parseSesNotification } from './ses-notification.js';

export type { InboundRecipient, InboundReferences, InboundReport } from './inbound-report.js';

/** Local parts and display names of the senders that MTAs use for bounces. */
const MTA_SENDER = /^(mailer-daemon|mailer_daemon|mail-daemon|mailerdaemon|postmaster|post_master|mail delivery|mdaemon|bounce|bounces|system administrator)\b/i;
/** Sentences of bounces whose subject and sender do not show it. */
const BOUNCE_TEXT =
  /(could not|couldn't|cannot|can't|unable to|wasn't able to|failed to|was not) (be )?deliver|delivery (to the following recipient|has failed|failed|failure)|permanent (fatal )?error|undeliverable|returned mail|error: invalid user|did not reach the following|not listed in|could not be reached|not a member of/i;
/** Types of the parts that carry the returned original message or its header. */
const ORIGINAL_TYPES = ['message/rfc822', 'message/global', 'text/rfc822-headers', 'text/rfc822-header', 'message/rfc822-headers'];
/** Types of the delivery-status parts of a DSN (RFC 3464, RFC 6533). */
const STATUS_TYPES = ['message/delivery-status', 'message/global-delivery-status'];
/** Types of the machine-readable report parts. */
const REPORT_TYPES = [...STATUS_TYPES, 'message/feedback-report'];
/** Start of a whole message quoted in a bounce's text, as some gateways return an MTA's bounce. */
const QUOTED_MESSAGE = /^(?:From [^\r\n]*\r?\n)?(?:Return-Path|Received|From|Date):[^\r\n]*\r?\n(?:[\w-]+:[^\r\n]*\r?\n|[ \t][^\r\n]*\r?\n){0,60}?Content-Type:[ \t]*multipart\/report/im;

/**
 * Parses a message received at the bounce address: a delivery status notification (RFC 3464 or
 * an MTA's own plain-text format), a feedback report (RFC 5965), an auto-reply, or anything else.
 *
 * The report type decides first, because DSNs carry `Auto-Submitted` too: `auto-generated`, and
 * `auto-replied` from Exim and Google Groups. Auto-replies, success and delay notifications and
 * messages forwarded by a person (`Fwd:`) never list a recipient in `recipients`.
 */
export async function parseInboundMessage(raw: Buffer | string): Promise<InboundReport> {
  return parseMessage(await readInboundMessage(raw), true);
}

async function parseMessage(message: InboundMessage, outermost: boolean): Promise<InboundReport> {
  const originals = ORIGINAL_TYPES.flatMap((type) => message.parts.get(type) ?? []);
  const reportParts = REPORT_TYPES.flatMap((type) => message.parts.get(type) ?? []);
  const references = findReferences(message.header, message.receivedFor, [...originals, ...reportParts, message.text, message.rawBody]);

  const feedback = message.parts.get('message/feedback-report')?.[0];
  if (feedback !== undefined || message.reportType === 'feedback-report') return complaintReport(message, feedback ?? '', originals, references);
  if (message.header('x-apple-unsubscribe')?.trim().toLowerCase() === 'true') {
    // Apple Mail's unsubscribe button sends this from the recipient to the List-Unsubscribe address.
    const recipients = complaintRecipients({ feedbackType: 'opt-out', originalRecipients: message.from }, []);
    return { ...emptyReport('arf', references), recipients, feedbackType: 'opt-out' };
  }

  const ses = parseSesNotification(message.text);
  if (ses) {
    const sesReferences = findReferences(message.header, message.receivedFor, [ses.originalHeaders]);
    return { ...emptyReport(ses.kind, sesReferences), recipients: ses.recipients, feedbackType: ses.feedbackType };
  }

  const statusParts = STATUS_TYPES.flatMap((type) => message.parts.get(type) ?? []);
  const entries = statusParts.flatMap((part) => parseDeliveryStatus(part));
  if (entries.length > 0) return buildDeliveryReport(message, entries, references);
  if (message.reportType === 'delivery-status') return buildDeliveryReport(message, entriesInText(message), references);

  // Exim and Google Groups mark their bounces auto-replied too, but send them as MAILER-DAEMON.
  if (isAutoReply(message.header, message.subject) && !/mailer-daemon/i.test(message.header('from') ?? '')) return emptyReport('auto_reply', references);
  if (isForward(message.subject) && !isFromMta(message)) return emptyReport('other', references);

  const textEntries = entriesInText(message);
  if (textEntries.length > 0) return buildDeliveryReport(message, textEntries, references);
  if (!looksLikeBounce(message)) return emptyReport('other', references);

  const named = buildDeliveryReport(message, [], references, { guessRecipient: false });
  if (hasRecipients(named)) return named;

  const inner = outermost ? await innerBounceReport(message) : null;
  if (inner) return { ...inner, references: mergeReferences(references, inner.references) };

  const guessed = buildDeliveryReport(message, [], references, { guessRecipient: true });
  return hasRecipients(guessed) ? guessed : emptyReport('other', references);
}

function complaintReport(message: InboundMessage, feedback: string, originals: string[], references: InboundReferences): InboundReport {
  const report = parseFeedbackReport(feedback);
  const originalTo = addressesIn(originals.flatMap((original) => toValuesOf(headerBlock(original))));
  const recipients = complaintRecipients(report, originalTo.length > 0 ? originalTo : addressesIn(toValuesOf(message.text)));
  return { ...emptyReport('arf', references), recipients, feedbackType: report.feedbackType ?? 'abuse' };
}

/** DSN fields written into the text, as by MTAs that send a report without its MIME structure. */
function entriesInText(message: InboundMessage): DeliveryStatusEntry[] {
  return parseDeliveryStatus(humanReadablePart(message.text)).filter((entry) => entry.action !== null || entry.status !== null);
}

/**
 * Parses the bounce that a gateway returned inside its own: a `message/rfc822` part, or a whole
 * message quoted in the text.
 */
async function innerBounceReport(message: InboundMessage): Promise<InboundReport | null> {
  const quoted = QUOTED_MESSAGE.exec(message.text);
  const candidates = [...(message.parts.get('message/rfc822') ?? []), ...(quoted ? [message.text.slice(quoted.index)] : [])];

  for (const candidate of candidates) {
    const report = await parseMessage(await readInboundMessage(candidate), false);
    if (hasRecipients(report)) return report;
  }
  return null;
}

function looksLikeBounce(message: InboundMessage): boolean {
  if (message.header('x-failed-recipients') !== undefined) return true;
  if (isFromMta(message) || hasBounceSubject(message.subject)) return true;
  return BOUNCE_TEXT.test(humanReadablePart(message.text));
}

function isFromMta(message: InboundMessage): boolean {
  const from = message.header('from') ?? '';
  return message.header('return-path')?.trim() === '<>' || MTA_SENDER.test(from.replace(/^["\s]+/, '')) || message.from.some((address) => MTA_SENDER.test(address));
}

function hasRecipients(report: InboundReport): boolean {
  return report.recipients.length > 0 || report.delayed.length > 0;
}

function mergeReferences(outer: InboundReferences, inner: InboundReferences): InboundReferences {
  return {
    verpToken: outer.verpToken ?? inner.verpToken,
    scaisendMessageId: inner.scaisendMessageId ?? outer.scaisendMessageId,
    messageIds: [...new Set([...inner.messageIds, ...outer.messageIds])],
  };
}

function emptyReport(kind: InboundReport['kind'], references: InboundReferences): InboundReport {
  return { kind, recipients: [], delayed: [], feedbackType: null, references };
}
