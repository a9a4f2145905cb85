import { addressOf, parseHeaderFields, type HeaderField } from './header-fields.js';
import type { InboundRecipient } from './inbound-report.js';

/** Fields of a `message/feedback-report` part (RFC 5965 3.1) that a sender acts on. */
export interface FeedbackReport {
  /** `Feedback-Type` in lower case: abuse, fraud, virus, other, not-spam, … */
  feedbackType: string | null;
  /** `Original-Rcpt-To` addresses, else the `Removal-Recipient` of draft ARF opt-out reports, in lower case. */
  originalRecipients: string[];
}

/** Parses the fields of a `message/feedback-report` part. */
export function parseFeedbackReport(text: string): FeedbackReport {
  const fields = parseHeaderFields(text);
  return {
    feedbackType: fields.find((field) => field.name === 'feedback-type')?.value.toLowerCase().split(/[\s;]/)[0] ?? null,
    originalRecipients: addressesOf(fields, 'original-rcpt-to').concat(addressesOf(fields, 'removal-recipient')),
  };
}

/**
 * Lists the complaining recipients of a feedback report: the `Original-Rcpt-To` addresses, else
 * the `To` addresses of the returned original message. Without either, the list is empty and the
 * sender can match the report only through its references.
 */
export function complaintRecipients(report: FeedbackReport, originalTo: string[]): InboundRecipient[] {
  const emails = report.originalRecipients.length > 0 ? report.originalRecipients : originalTo;
  return [...new Set(emails)].map((email) => ({
    email,
    status: null,
    category: 'complaint',
    reason: null,
    action: null,
    diagnostic: report.feedbackType,
    remoteMta: null,
  }));
}

function addressesOf(fields: HeaderField[], name: string): string[] {
  return fields.flatMap((field) => {
    if (field.name !== name) return [];
    const address = addressOf(field.value);
    return address ? [address] : [];
  });
}
