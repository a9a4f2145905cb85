import type { DropReason, EventType } from '../events/event-types.js';

/** The metrics of `GET /v3/stats`, in the order the API lists them. */
export const STAT_METRICS = [
  'requests',
  'processed',
  'delivered',
  'bounces',
  'bounce_drops',
  'blocks',
  'spam_reports',
  'spam_report_drops',
  'unsubscribes',
  'unsubscribe_drops',
  'invalid_emails',
  'opens',
  'unique_opens',
  'clicks',
  'unique_clicks',
  'deferred',
] as const;

export type StatMetric = (typeof STAT_METRICS)[number];

const EVENT_METRICS: Partial<Record<EventType, StatMetric>> = {
  processed: 'processed',
  delivered: 'delivered',
  deferred: 'deferred',
  bounce: 'bounces',
  blocked: 'blocks',
  spam_report: 'spam_reports',
  unsubscribe: 'unsubscribes',
  group_unsubscribe: 'unsubscribes',
  open: 'opens',
  click: 'clicks',
};

const DROP_METRICS: Record<DropReason, StatMetric> = {
  suppressed_bounce: 'bounce_drops',
  suppressed_spam: 'spam_report_drops',
  suppressed_unsubscribe: 'unsubscribe_drops',
  suppressed_group: 'unsubscribe_drops',
  invalid_recipient: 'invalid_emails',
};

/** Returns the metric an event counts toward, or null for events that count toward none. */
export function metricOfEvent(type: EventType, metadata: Record<string, unknown>): StatMetric | null {
  if (type === 'dropped') return DROP_METRICS[metadata.reason as DropReason] ?? null;
  return EVENT_METRICS[type] ?? null;
}
