import { addressOf, fieldValue, splitFieldGroups, type HeaderField } from './header-fields.js';

/** Per-recipient fields of a `message/delivery-status` part (RFC 3464 2.3). */
export interface DeliveryStatusEntry {
  /** Final-Recipient, else Original-Recipient or X-Actual-Recipient, in lower case. */
  email: string;
  /** `Action` in lower case: failed, delayed, delivered, relayed or expanded. */
  action: string | null;
  /** Enhanced status code of the `Status` field, without the comment some MTAs add. */
  status: string | null;
  /** `Diagnostic-Code` without its type (`smtp;`), null when empty. */
  diagnostic: string | null;
  /** `Remote-MTA` without its type (`dns;`). */
  remoteMta: string | null;
}

/**
 * Action values of a DSN recipient that received the message (RFC 3464 2.3.3), and `deliverable`,
 * which some MTAs write for a successful address check.
 */
const SUCCESS_ACTIONS = new Set(['delivered', 'relayed', 'expanded', 'deliverable']);

/**
 * Parses the recipient groups of a `message/delivery-status` part. The per-message group and
 * groups without a recipient address are skipped.
 */
export function parseDeliveryStatus(text: string): DeliveryStatusEntry[] {
  return splitFieldGroups(text).flatMap((group) => {
    const email = recipientOf(group);
    return email ? [entryOf(group, email)] : [];
  });
}

/** True for an entry that reports a delivery, relay or expansion, not a problem. */
export function isSuccessEntry(entry: DeliveryStatusEntry): boolean {
  return (entry.action !== null && SUCCESS_ACTIONS.has(entry.action)) || entry.status?.startsWith('2.') === true;
}

/** True for an entry that reports a delay, with more attempts to come. */
export function isDelayEntry(entry: DeliveryStatusEntry): boolean {
  return entry.action === 'delayed';
}

function recipientOf(group: HeaderField[]): string | null {
  for (const name of ['final-recipient', 'original-recipient', 'x-actual-recipient']) {
    const address = addressOf(fieldValue(group, name));
    if (address) return address;
  }
  return null;
}

function entryOf(group: HeaderField[], email: string): DeliveryStatusEntry {
  const status = /[245]\.\d{1,3}\.\d{1,3}/.exec(fieldValue(group, 'status') ?? '')?.[0] ?? null;
  return {
    email,
    action: fieldValue(group, 'action')?.toLowerCase().split(/\s/)[0] ?? null,
    status,
    diagnostic: withoutType(fieldValue(group, 'diagnostic-code')),
    remoteMta: withoutType(fieldValue(group, 'remote-mta')),
  };
}

/** Strips the `type;` prefix of a DSN field (`smtp; 550 …`, `dns; mx.example.org`). */
function withoutType(value: string | null): string | null {
  if (!value) return null;

  const typed = /^[a-z0-9-]+\s*;\s*(.*)$/is.exec(value);
  const text = (typed ? typed[1] : value).trim();
  return text.length > 0 ? text : null;
}
