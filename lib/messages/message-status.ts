/** Message statuses, in lifecycle order where they have one. */
export const MESSAGE_STATUSES = [
  'queued',
  'processing',
  'rendered',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'failed',
  'cancelled',
  'sandbox',
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses from which a delivery attempt may start. */
export const DELIVERABLE_STATUSES: readonly MessageStatus[] = ['queued', 'processing', 'rendered'];
