import type { NewEvent } from '../events/event-recorder.js';
import type { RecipientState } from '../messages/message-recipient.entity.js';
import type { SuppressionList } from '../suppressions/suppression.entity.js';
import type { InboundRecipient, InboundReport } from './inbound-report.js';

/** One failure named by a report, with the recipient of the matched message it belongs to. */
export interface AttributedFailure {
  failure: InboundRecipient;
  /** Lowercase address of the message's recipient, or null when the failure names no recipient of it. */
  recipient: string | null;
}

/** A suppression to add, without the tenant and time that the caller adds. */
export interface PlannedSuppression {
  list: SuppressionList;
  email: string;
  reason: string | null;
  bounceType: 'hard' | 'block' | null;
  status: string | null;
}

/** Changes that one report makes to its message. */
export interface InboundChanges {
  events: NewEvent[];
  /** Recipients whose state becomes `bounced`. */
  bounced: string[];
  suppressions: PlannedSuppression[];
  /** Reasons of the failures that bounced recipients, for the message's error message. */
  errors: string[];
}

/** Feedback type of a report that marks a message as wanted, so it is no complaint (RFC 6430). */
const NOT_SPAM = 'not-spam';
/** Feedback type of a request to stop mail (draft ARF opt-out, Apple Mail's unsubscribe button). */
const OPT_OUT = 'opt-out';

/** States of a recipient whose delivery is over, so a report about it can change it. */
const REPORTABLE_STATES: ReadonlySet<RecipientState> = new Set(['delivered', 'bounced']);

/**
 * Pairs each failure of a report with a recipient of the matched message, in report order. A
 * complaint about an address that is no recipient, or one without an address, belongs to a
 * message's only recipient, because feedback loops often redact the address (RFC 6590). A
 * `not-spam` report lists nothing.
 *
 * @param recipients lowercase addresses of the matched message, or null when none matched
 */
export function attributeFailures(report: InboundReport, recipients: string[] | null): AttributedFailure[] {
  if (report.kind === 'arf' && report.feedbackType === NOT_SPAM) return [];

  const onlyRecipient = recipients?.length === 1 ? recipients[0] : null;
  const failures = report.recipients.map((failure) => {
    if (!recipients) return { failure, recipient: null };
    if (recipients.includes(failure.email)) return { failure, recipient: failure.email };
    return { failure, recipient: failure.category === 'complaint' ? onlyRecipient : null };
  });
  if (report.kind !== 'arf' || failures.length > 0 || !onlyRecipient) return failures;

  const complaint: InboundRecipient = { email: onlyRecipient, status: null, category: 'complaint', reason: null, action: null, diagnostic: report.feedbackType, remoteMta: null };
  return [{ failure: complaint, recipient: onlyRecipient }];
}

/**
 * Plans the events, recipient states and suppressions of a report, as delivery does for SMTP
 * replies: `hard` is a `bounce` that suppresses the address, `soft` a `bounce` that does not,
 * `block` a `blocked` event listed under blocks, a complaint a `spam_report` that suppresses the
 * address, and a delay a `deferred` event. Failures bounce the recipient. Only recipients whose
 * delivery is over (`delivered` or `bounced`) change, so a report never races a delivery attempt.
 *
 * @param states state of each recipient of the message
 * @param unsubscribed recipients already on the global unsubscribe list
 */
export function planInboundChanges(
  report: InboundReport,
  failures: AttributedFailure[],
  delays: AttributedFailure[],
  states: ReadonlyMap<string, RecipientState>,
  unsubscribed: ReadonlySet<string>,
): InboundChanges {
  const changes: InboundChanges = { events: [], bounced: [], suppressions: [], errors: [] };
  const handled = new Set<string>();
  for (const { failure, recipient } of failures) {
    const state = recipient === null ? undefined : states.get(recipient);
    if (recipient === null || state === undefined || !REPORTABLE_STATES.has(state) || handled.has(recipient)) continue;

    handled.add(recipient);
    if (failure.category === 'complaint') addComplaint(changes, recipient, report.feedbackType ?? 'abuse', unsubscribed);
    else addFailure(changes, recipient, failure, failure.category);
  }

  for (const { failure, recipient } of delays) {
    if (recipient === null || states.get(recipient) !== 'delivered') continue;
    changes.events.push({ type: 'deferred', recipientEmail: recipient, metadata: { smtp_response: failure.diagnostic, status: failure.status } });
  }
  return changes;
}

function addFailure(changes: InboundChanges, email: string, failure: InboundRecipient, bounceType: 'hard' | 'soft' | 'block'): void {
  const reason = failure.diagnostic ?? (failure.status ? `Status ${failure.status} in a delivery status notification` : 'Reported in a delivery status notification');
  const metadata = { bounce_type: bounceType, status: failure.status, reason, classification: failure.reason, smtp_response: failure.diagnostic };

  changes.events.push({ type: bounceType === 'block' ? 'blocked' : 'bounce', recipientEmail: email, metadata });
  changes.bounced.push(email);
  changes.errors.push(reason);
  // Only an address that does not exist is suppressed, and a block is listed without dropping mail.
  if (bounceType === 'hard') changes.suppressions.push({ list: 'bounce', email, reason, bounceType, status: failure.status });
  if (bounceType === 'block') changes.suppressions.push({ list: 'block', email, reason, bounceType, status: failure.status });
}

function addComplaint(changes: InboundChanges, email: string, feedbackType: string, unsubscribed: ReadonlySet<string>): void {
  if (feedbackType !== OPT_OUT) {
    changes.events.push({ type: 'spam_report', recipientEmail: email, metadata: { feedback_type: feedbackType } });
    changes.suppressions.push({ list: 'spam_report', email, reason: `Feedback-Type: ${feedbackType}`, bounceType: null, status: null });
    return;
  }

  // An opt-out requests an end to mail without calling it spam, so it is recorded as an unsubscribe from all mail.
  if (unsubscribed.has(email)) return;
  changes.events.push({ type: 'unsubscribe', recipientEmail: email, metadata: { source: 'mailto' } });
  changes.suppressions.push({ list: 'unsubscribe', email, reason: 'Unsubscribed by a feedback report (Feedback-Type: opt-out)', bounceType: null, status: null });
}
