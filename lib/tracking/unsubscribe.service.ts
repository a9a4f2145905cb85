import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException } from '../common/errors.js';
import { EventRecorder, NewEvent } from '../events/event-recorder.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK } from '../module/tokens.js';
import { GroupSuppressionEntity } from '../suppressions/group-suppression.entity.js';
import { SuppressionGroupService } from '../suppressions/suppression-group.service.js';
import { SuppressionEntity } from '../suppressions/suppression.entity.js';
import { SuppressionService } from '../suppressions/suppression.service.js';
import { displayedGroupsOf, recipientAt } from './tracked-recipient.js';
import { TrackingTokens } from './tracking-token.js';
import { TRACKING_PATH } from './tracking.service.js';
import { UnsubscribePageRenderer, UnsubscribePageView } from './unsubscribe-page.renderer.js';

/** The actions of the unsubscribe page's forms. */
export const UNSUBSCRIBE_ACTIONS = ['unsubscribe_all', 'unsubscribe_group', 'resubscribe_group'] as const;

export type UnsubscribeAction = (typeof UNSUBSCRIBE_ACTIONS)[number];

/** Channel of an unsubscribe from all mail, as the `unsubscribe` event's `source` names it. */
export type UnsubscribeSource = 'link' | 'one_click' | 'mailto';

/** The local part of the List-Unsubscribe mailto address: `unsubscribe+{token}`. */
const MAILTO_LOCAL_PART = /^unsubscribe\+([A-Za-z0-9_-]+)@/i;

const SUPPRESSION_REASONS: Record<UnsubscribeSource, string> = {
  link: 'Unsubscribed on the unsubscribe page',
  one_click: 'Unsubscribed with one-click List-Unsubscribe (RFC 8058)',
  mailto: 'Unsubscribed by email to the List-Unsubscribe address',
};

/** The message and recipient an unsubscribe token names. */
interface UnsubscribeTarget {
  token: string;
  message: MessageEntity;
  email: string;
}

/**
 * Carries out unsubscribes from the public page, RFC 8058 one-click requests and mail to the
 * List-Unsubscribe address. Each records the suppression and, when the recipient's state
 * changed, its event; repeating an action records nothing more.
 */
@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger(UnsubscribeService.name);
  private readonly pageBaseUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TrackingTokens,
    private readonly recorder: EventRecorder,
    private readonly suppressions: SuppressionService,
    private readonly groups: SuppressionGroupService,
    private readonly renderer: UnsubscribePageRenderer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) options: ResolvedScaiSendOptions,
  ) {
    this.pageBaseUrl = `${options.publicUrl.replace(/\/+$/, '')}/${TRACKING_PATH}/u/`;
  }

  /** Renders the unsubscribe page of a token; 404 when the token is not valid. */
  async page(token: string): Promise<string> {
    return this.render(await this.resolve(token), null);
  }

  /** Carries out a form action of the page and renders the page with its outcome. */
  async act(token: string, action: UnsubscribeAction, groupId: number | undefined): Promise<string> {
    const target = await this.resolve(token);
    if (action === 'unsubscribe_all') {
      await this.unsubscribeAll(target, 'link');
      return this.render(target, 'You are unsubscribed from all emails of this sender.');
    }

    const group = this.offeredGroup(target.message, groupId);
    if (action === 'unsubscribe_group') {
      await this.leaveGroup(target, group);
      return this.render(target, 'You are unsubscribed from this kind of email.');
    }
    await this.rejoinGroup(target, group);
    return this.render(target, 'You are subscribed to this kind of email again.');
  }

  /** Carries out an RFC 8058 one-click unsubscribe from all mail; 404 when the token is not valid. */
  async oneClick(token: string): Promise<void> {
    await this.unsubscribeAll(await this.resolve(token), 'one_click');
  }

  /**
   * Carries out an unsubscribe by mail to `unsubscribe+{token}@…`, the List-Unsubscribe mailto
   * address. Returns false when the address carries no valid token.
   */
  async unsubscribeByMail(recipientAddress: string): Promise<boolean> {
    const token = MAILTO_LOCAL_PART.exec(recipientAddress)?.[1];
    const target = token ? await this.findTarget(token) : null;
    if (!target) return false;

    await this.unsubscribeAll(target, 'mailto');
    return true;
  }

  private async resolve(token: string): Promise<UnsubscribeTarget> {
    const target = await this.findTarget(token);
    if (!target) throw new ApiException(HttpStatus.NOT_FOUND, 'Unsubscribe link not found. Open the link from the email again; a link that was cut or changed does not work.');
    return target;
  }

  private async findTarget(token: string): Promise<UnsubscribeTarget | null> {
    const claims = this.tokens.verify(token, 'unsubscribe');
    const message = claims ? await this.dataSource.getRepository(MessageEntity).findOneBy({ id: claims.messageId }) : null;
    const email = claims && message ? recipientAt(message, claims.recipientIndex) : null;
    return message && email ? { token, message, email } : null;
  }

  /** Adds the recipient to the global unsubscribe list and records `unsubscribe` unless it was there. */
  private async unsubscribeAll({ message, email }: UnsubscribeTarget, source: UnsubscribeSource): Promise<void> {
    const { deliveries } = await this.dataSource.transaction(async (manager) => {
      // Serializes concurrent unsubscribes of one address, as mail clients may send one-click
      // requests twice, so exactly one of them records the event. The advisory lock is PostgreSQL's.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`scaisend_unsubscribe:${message.tenantId}:${email}`]);
      if (await manager.existsBy(SuppressionEntity, { tenantId: message.tenantId, list: 'unsubscribe', email })) return { deliveries: [] };

      await this.suppressions.addIn(manager, [{ tenantId: message.tenantId, list: 'unsubscribe', email, reason: SUPPRESSION_REASONS[source], createdAt: this.clock.now() }]);
      return this.recorder.recordIn(manager, { message, events: [{ type: 'unsubscribe', recipientEmail: email, metadata: { source } }] });
    });
    await this.recorder.enqueueDeliveries(deliveries);
    this.logger.log(`Message ${message.id}: a recipient unsubscribed from all mail of tenant ${message.tenantId} (${source})`);
  }

  // NOTE: SuppressionGroupService changes group members in transactions of its own, so the
  // member change and its event are two commits. A failure between them loses only the event.
  private async leaveGroup({ message, email }: UnsubscribeTarget, groupId: number): Promise<void> {
    if (await this.isGroupMember(message.tenantId, groupId, email)) return;

    await this.groups.addMembers(message.tenantId, groupId, [email]);
    await this.recordGroupEvent(message, { type: 'group_unsubscribe', recipientEmail: email, metadata: { group_id: groupId } });
  }

  private async rejoinGroup({ message, email }: UnsubscribeTarget, groupId: number): Promise<void> {
    if (!(await this.isGroupMember(message.tenantId, groupId, email))) return;

    await this.groups.removeMember(message.tenantId, groupId, email);
    await this.recordGroupEvent(message, { type: 'group_resubscribe', recipientEmail: email, metadata: { group_id: groupId } });
  }

  private async recordGroupEvent(message: MessageEntity, event: NewEvent): Promise<void> {
    await this.recorder.record({ message, events: [event] });
  }

  /** Returns `groupId` when the message's page offers that group; 400 otherwise. */
  private offeredGroup(message: MessageEntity, groupId: number | undefined): number {
    const offered = displayedGroupsOf(message);
    if (groupId === undefined) throw new ApiException(HttpStatus.BAD_REQUEST, 'group_id is required for group actions.');
    if (!offered.includes(groupId)) {
      throw new ApiException(HttpStatus.BAD_REQUEST, `Group ${groupId} is not offered on this page; the email offers ${offered.length > 0 ? offered.join(', ') : 'no groups'}.`);
    }
    return groupId;
  }

  private isGroupMember(tenantId: string, groupId: number, email: string): Promise<boolean> {
    return this.dataSource.getRepository(GroupSuppressionEntity).existsBy({ tenantId, groupId, email });
  }

  private async render(target: UnsubscribeTarget, notice: string | null): Promise<string> {
    return this.renderer.render(await this.view(target, notice));
  }

  private async view({ token, message, email }: UnsubscribeTarget, notice: string | null): Promise<UnsubscribePageView> {
    const tenantId = message.tenantId;
    const groupIds = displayedGroupsOf(message);
    const groups = groupIds.length > 0 ? await this.groups.list(tenantId, groupIds) : [];
    const left = groupIds.length > 0 ? await this.dataSource.getRepository(GroupSuppressionEntity).findBy({ tenantId, email, groupId: In(groupIds) }) : [];
    const leftIds = new Set(left.map((row) => row.groupId));

    return {
      email,
      actionUrl: `${this.pageBaseUrl}${token}`,
      notice,
      unsubscribedAll: await this.dataSource.getRepository(SuppressionEntity).existsBy({ tenantId, list: 'unsubscribe', email }),
      groups: groups.map(({ group }) => ({ id: group.id, name: group.name, description: group.description, unsubscribed: leftIds.has(group.id) })),
    };
  }
}
