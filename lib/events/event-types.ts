/** Event types, with their stable names. */
export const EVENT_TYPES = [
  'processed',
  'deferred',
  'delivered',
  'bounce',
  'blocked',
  'dropped',
  'open',
  'click',
  'spam_report',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type DropReason = 'suppressed_bounce' | 'suppressed_spam' | 'suppressed_unsubscribe' | 'suppressed_group' | 'invalid_recipient';
