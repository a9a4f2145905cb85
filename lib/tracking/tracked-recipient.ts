import type { MessageEntity } from '../messages/message.entity.js';

/** Returns the addresses of a message in the order tracking tokens number them: to, then cc, then bcc. */
function addressesOf(message: Pick<MessageEntity, 'to' | 'cc' | 'bcc'>): string[] {
  return [...message.to, ...(message.cc ?? []), ...(message.bcc ?? [])].map((address) => address.email);
}

/**
 * Returns the position of the recipient whose copy is tracked: `email` when given (compared
 * without case), else the first recipient, which is the first `to` address. Returns -1 when
 * `email` is not a recipient of the message.
 */
export function trackedRecipientIndex(message: Pick<MessageEntity, 'to' | 'cc' | 'bcc'>, email?: string): number {
  const addresses = addressesOf(message);
  if (email === undefined) return addresses.length > 0 ? 0 : -1;
  return addresses.findIndex((address) => address.toLowerCase() === email.toLowerCase());
}

/** Returns the lowercase address at a token's recipient position, or null when there is none. */
export function recipientAt(message: Pick<MessageEntity, 'to' | 'cc' | 'bcc'>, index: number): string | null {
  return addressesOf(message)[index]?.toLowerCase() ?? null;
}

/** Returns the message's unsubscribe group, or null when the send named none. */
export function asmGroupOf(message: Pick<MessageEntity, 'asm'>): number | null {
  const groupId = message.asm?.group_id;
  return typeof groupId === 'number' && Number.isInteger(groupId) && groupId > 0 ? groupId : null;
}

/** Returns the groups the unsubscribe page of a message offers: its own group, then `groups_to_display`. */
export function displayedGroupsOf(message: Pick<MessageEntity, 'asm'>): number[] {
  const own = asmGroupOf(message);
  if (own === null) return [];
  const displayed = (message.asm?.groups_to_display ?? []).filter((id) => Number.isInteger(id) && id > 0);
  return [...new Set([own, ...displayed])];
}
