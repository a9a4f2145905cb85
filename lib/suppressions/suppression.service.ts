import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { DropReason } from '../events/event-types.js';
import type { MailSettings } from '../mail/mail-send.types.js';
import { GroupSuppressionEntity } from './group-suppression.entity.js';
import { MAX_GROUP_ID } from './suppression-group.entity.js';
import { SuppressionEntity, SuppressionList } from './suppression.entity.js';

/**
 * Lists that drop mail, with the drop reason and the setting that bypasses each, in the order
 * that picks the reason of an address on several lists. Blocks and invalid emails are only
 * recorded.
 */
const DROPPING_LISTS: Array<{ list: SuppressionList; reason: DropReason; bypass: keyof MailSettings }> = [
  { list: 'bounce', reason: 'suppressed_bounce', bypass: 'bypass_bounce_management' },
  { list: 'spam_report', reason: 'suppressed_spam', bypass: 'bypass_spam_management' },
  { list: 'unsubscribe', reason: 'suppressed_unsubscribe', bypass: 'bypass_unsubscribe_management' },
];

export interface NewSuppression {
  tenantId: string;
  list: SuppressionList;
  email: string;
  reason: string | null;
  bounceType?: 'hard' | 'soft' | 'block' | null;
  status?: string | null;
  createdAt: Date;
}

/** Returns whether `value` can be a group id; an `asm.group_id` that cannot names no group. */
function isGroupId(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_GROUP_ID;
}

/** Returns whether a row on a dropping list drops mail: soft and block bounces are only recorded. */
function dropsMail(row: SuppressionEntity): boolean {
  return row.list !== 'bounce' || (row.bounceType !== 'soft' && row.bounceType !== 'block');
}

/** The tenant's suppression lists as they affect sending. */
@Injectable()
export class SuppressionService {
  constructor(
    @InjectRepository(SuppressionEntity) private readonly suppressions: Repository<SuppressionEntity>,
    @InjectRepository(GroupSuppressionEntity) private readonly groupSuppressions: Repository<GroupSuppressionEntity>,
  ) {}

  /**
   * Returns the drop reason of each suppressed address among `emails` (lowercase), honouring the
   * `bypass_*` mail settings: hard bounces, spam reports and global unsubscribes drop, and so do
   * members of the send's unsubscribe group (`asm.group_id`) with `suppressed_group`.
   * `bypass_unsubscribe_management` bypasses both kinds of unsubscribe and
   * `bypass_list_management` bypasses every list.
   */
  async dropReasons(tenantId: string, emails: string[], settings: MailSettings, asmGroupId?: number | null): Promise<Map<string, DropReason>> {
    const reasons = new Map<string, DropReason>();
    if (emails.length === 0 || settings.bypass_list_management?.enable) return reasons;

    const lists = DROPPING_LISTS.filter((entry) => !settings[entry.bypass]?.enable);
    if (lists.length > 0) {
      const rows = await this.suppressions.find({ where: { tenantId, email: In(emails), list: In(lists.map((entry) => entry.list)) } });
      for (const entry of lists) {
        for (const row of rows) {
          if (row.list === entry.list && dropsMail(row) && !reasons.has(row.email)) reasons.set(row.email, entry.reason);
        }
      }
    }

    const remaining = emails.filter((email) => !reasons.has(email));
    if (!isGroupId(asmGroupId) || remaining.length === 0 || settings.bypass_unsubscribe_management?.enable) return reasons;

    const members = await this.groupSuppressions.find({ where: { tenantId, groupId: asmGroupId, email: In(remaining) } });
    for (const member of members) reasons.set(member.email, 'suppressed_group');
    return reasons;
  }

  /** Adds addresses inside the caller's transaction; an address already on the list stays as it is. */
  async addIn(manager: EntityManager, entries: NewSuppression[]): Promise<void> {
    if (entries.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(SuppressionEntity)
      .values(entries.map((entry) => ({ ...entry, email: entry.email.toLowerCase(), bounceType: entry.bounceType ?? null, status: entry.status ?? null })))
      .orIgnore()
      .execute();
  }
}
