import { classifyFinalFailure, leadingCode } from '../delivery/reply-classifier.js';
import { addressOf } from './header-fields.js';
import type { InboundRecipient } from './inbound-report.js';

/** Content of an Amazon SES notification sent by e-mail through SNS. */
export interface SesNotification {
  kind: 'dsn' | 'arf';
  recipients: InboundRecipient[];
  feedbackType: string | null;
  /** Headers of the original message as `Name: value` lines, when SES included them. */
  originalHeaders: string;
}

interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}

interface SesMessage {
  notificationType?: string;
  bounce?: { bouncedRecipients?: SesRecipient[]; remoteMtaIp?: string };
  complaint?: { complainedRecipients?: SesRecipient[]; complaintFeedbackType?: string };
  mail?: { headers?: Array<{ name?: string; value?: string }> };
}

/**
 * Parses the JSON body of an Amazon SES bounce, complaint or delivery notification. Returns null
 * when the text contains none. SNS wraps long lines with `!` and a line break, which is removed.
 */
export function parseSesNotification(text: string): SesNotification | null {
  const start = text.indexOf('{"notificationType"');
  if (start < 0) return null;

  const json = text.slice(start, text.lastIndexOf('}') + 1).replace(/!\r?\n /g, '');
  let message: SesMessage;
  try {
    message = JSON.parse(json) as SesMessage;
  } catch {
    return null;
  }

  const originalHeaders = (message.mail?.headers ?? []).map((header) => `${header.name}: ${header.value}`).join('\n');
  if (message.notificationType === 'Complaint') {
    const feedbackType = message.complaint?.complaintFeedbackType?.toLowerCase() ?? 'abuse';
    const recipients = (message.complaint?.complainedRecipients ?? []).flatMap((entry) => complaintOf(entry, feedbackType));
    return { kind: 'arf', recipients, feedbackType, originalHeaders };
  }
  if (message.notificationType === 'Bounce') {
    return { kind: 'dsn', recipients: (message.bounce?.bouncedRecipients ?? []).flatMap(bounceOf), feedbackType: null, originalHeaders };
  }
  return { kind: 'dsn', recipients: [], feedbackType: null, originalHeaders };
}

function bounceOf(entry: SesRecipient): InboundRecipient[] {
  const email = addressOf(entry.emailAddress ?? null);
  if (!email) return [];

  const diagnostic = entry.diagnosticCode?.replace(/^[a-z]+;\s*/i, '') ?? null;
  const status = entry.status ?? null;
  const { category, reason } = classifyFinalFailure({ code: leadingCode(diagnostic ?? ''), enhancedStatus: status, response: diagnostic ?? '' });
  return [{ email, status, category, reason, action: entry.action?.toLowerCase() ?? 'failed', diagnostic, remoteMta: null }];
}

function complaintOf(entry: SesRecipient, feedbackType: string): InboundRecipient[] {
  const email = addressOf(entry.emailAddress ?? null);
  return email ? [{ email, status: null, category: 'complaint', reason: null, action: null, diagnostic: feedbackType, remoteMta: null }] : [];
}
