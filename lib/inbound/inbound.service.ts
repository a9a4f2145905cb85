import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { EventRecorder } from '../events/event-recorder.js';
import { MessageRecipientEntity, RecipientState } from '../messages/message-recipient.entity.js';
import type { MessageStatus } from '../messages/message-status.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK } from '../module/tokens.js';
import { SuppressionEntity } from '../suppressions/suppression.entity.js';
import { SuppressionService } from '../suppressions/suppression.service.js';
import { parseInboundMessage } from './bounce-parser.js';
import { attributeFailures, planInboundChanges, type AttributedFailure, type InboundChanges } from './inbound-changes.js';
import type { InboundReferences, InboundReport } from './inbound-report.js';
import { RecordedReportEntity } from './recorded-report.entity.js';
import { parseVerpToken, verpTokenOfAddress } from './verp.js';

/** Scope of the messages that a report may match. */
export interface InboundScope {
  /** Matches only this tenant's messages. Without it only a valid VERP token matches. */
  tenantId?: string;
}

/** One failed recipient of a processed report. */
export interface InboundResultRecipient {
  email: string;
  /** RFC 3463 enhanced status code, or null when the report gives none. */
  status: string | null;
  category: 'hard' | 'soft' | 'block' | 'complaint';
  /** The message the failure belongs to, or null when no message matched or the address is not one of its recipients. */
  message_id: string | null;
}

/** Outcome of {@link InboundService.process}: the report's kind and its failed recipients. */
export interface InboundResult {
  kind: InboundReport['kind'];
  /** One entry per failed recipient in report order. It is empty for success and delay notices, auto-replies and other mail. */
  recipients: InboundResultRecipient[];
}

const MESSAGE_ID = /^msg_[0-9a-f]{32}$/;
/** A `Message-ID` that ScaiSend wrote: `<msg_…@sender domain>`. */
const SCAISEND_MESSAGE_ID_HEADER = /^(msg_[0-9a-f]{32})@/;
/** Statuses after a finished delivery, which a report may turn into `bounced`. */
const FINISHED_STATUSES: readonly MessageStatus[] = ['sent', 'delivered'];

/**
 * Turns a received bounce or complaint report into events, recipient states and suppressions,
 * in one transaction per report, as `DeliveryOutcomeWriter` does for SMTP replies. A report
 * received twice (same bytes, line ends aside) records its events once.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: EventRecorder,
    private readonly suppressions: SuppressionService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  /**
   * Parses a report, finds the message it is about and records what it reports. The message is
   * found by a VERP token with a valid MAC (from `envelopeRecipients`, then the report), then
   * within `scope.tenantId` only, by `X-ScaiSend-Message-Id` and by a ScaiSend `Message-ID`.
   *
   * @param raw the whole RFC 5322 message
   * @param envelopeRecipients the SMTP envelope recipients, when the report came over SMTP
   */
  async process(raw: Buffer, scope: InboundScope, envelopeRecipients: string[] = []): Promise<InboundResult> {
    const report = await parseInboundMessage(raw);
    const message = await this.findMessage(report.references, scope, envelopeRecipients);
    if (!message) {
      this.logger.log(`Inbound ${report.kind} report with ${report.recipients.length} failures matched no message`);
      return toResult(report, attributeFailures(report, null), null);
    }

    const recipients = await this.dataSource.getRepository(MessageRecipientEntity).find({ where: { messageId: message.id, tenantId: message.tenantId } });
    const emails = recipients.map((recipient) => recipient.email);
    const failures = attributeFailures(report, emails);
    const delays = report.delayed.map((failure) => ({ failure, recipient: emails.includes(failure.email) ? failure.email : null }));
    if (failures.some((entry) => entry.recipient !== null) || delays.some((entry) => entry.recipient !== null)) {
      await this.record(message, report, failures, delays, digestOf(raw));
    }
    return toResult(report, failures, message.id);
  }

  private async findMessage(references: InboundReferences, scope: InboundScope, envelopeRecipients: string[]): Promise<MessageEntity | null> {
    const tokens = [...envelopeRecipients.map(verpTokenOfAddress), references.verpToken];
    for (const token of tokens) {
      const id = token ? parseVerpToken(token, this.options.secretKey) : null;
      const message = id ? await this.findById(id, scope) : null;
      if (message) return message;
    }
    if (scope.tenantId === undefined) return null;

    const ids = [references.scaisendMessageId, ...references.messageIds.map((value) => SCAISEND_MESSAGE_ID_HEADER.exec(value.toLowerCase())?.[1] ?? null)];
    for (const id of ids) {
      const message = id && MESSAGE_ID.test(id) ? await this.findById(id, scope) : null;
      if (message) return message;
    }
    return null;
  }

  private findById(id: string, scope: InboundScope): Promise<MessageEntity | null> {
    return this.dataSource.getRepository(MessageEntity).findOneBy(scope.tenantId === undefined ? { id } : { id, tenantId: scope.tenantId });
  }

  /** Records the report's changes, unless a report with the same digest was recorded for the tenant. */
  private async record(found: MessageEntity, report: InboundReport, failures: AttributedFailure[], delays: AttributedFailure[], digest: string): Promise<void> {
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(RecordedReportEntity)
        .values({ tenantId: found.tenantId, rawSha256: digest, messageId: found.id, kind: report.kind, receivedAt: now })
        .orIgnore()
        .returning('tenant_id')
        .execute();
      if (!Array.isArray(inserted.raw) || inserted.raw.length === 0) return null;

      // The lock orders the reports of one message, so each one reads the recipient states that the previous one wrote.
      const message = await manager.findOne(MessageEntity, { where: { id: found.id, tenantId: found.tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!message) return null;

      const { changes, states } = await this.planIn(manager, message, report, failures, delays);
      const status = nextStatus(message.status, states, changes);
      if (changes.bounced.length > 0) {
        await manager.update(MessageRecipientEntity, { messageId: message.id, tenantId: message.tenantId, email: In(changes.bounced) }, { state: 'bounced' });
      }
      await this.suppressions.addIn(manager, changes.suppressions.map((entry) => ({ ...entry, tenantId: message.tenantId, createdAt: now })));
      const { deliveries } = await this.recorder.recordIn(manager, {
        message,
        events: changes.events,
        ...(status === message.status ? {} : { status, fields: { errorMessage: changes.errors.join('\n').slice(0, 2000) } }),
      });
      return { deliveries, status, events: changes.events.length };
    });

    if (!outcome) {
      this.logger.log(`Inbound ${report.kind} report for message ${found.id} was recorded before, so nothing changed`);
      return;
    }
    await this.recorder.enqueueDeliveries(outcome.deliveries);
    this.logger.log(`Inbound ${report.kind} report for message ${found.id} of tenant ${found.tenantId}: ${outcome.events} events, status ${outcome.status}`);
  }

  private async planIn(
    manager: EntityManager,
    message: MessageEntity,
    report: InboundReport,
    failures: AttributedFailure[],
    delays: AttributedFailure[],
  ): Promise<{ changes: InboundChanges; states: Map<string, RecipientState> }> {
    const recipients = await manager.find(MessageRecipientEntity, { where: { messageId: message.id, tenantId: message.tenantId } });
    const states = new Map(recipients.map((recipient) => [recipient.email, recipient.state]));
    const complainants = failures.flatMap((entry) => (entry.failure.category === 'complaint' && entry.recipient ? [entry.recipient] : []));
    const unsubscribed = complainants.length === 0 ? [] : await manager.find(SuppressionEntity, { where: { tenantId: message.tenantId, list: 'unsubscribe', email: In(complainants) } });
    const changes = planInboundChanges(report, failures, delays, states, new Set(unsubscribed.map((row) => row.email)));
    return { changes, states };
  }
}

/**
 * Returns `bounced` for a finished message once none of its recipients is `delivered` or
 * `pending` any more, else the status it has. A message that reached some recipient stays
 * `delivered`, and its earlier `delivered` events stay as they are.
 */
function nextStatus(status: MessageStatus, states: ReadonlyMap<string, RecipientState>, changes: InboundChanges): MessageStatus {
  if (changes.bounced.length === 0 || !FINISHED_STATUSES.includes(status)) return status;

  const bounced = new Set(changes.bounced);
  const open = [...states].some(([email, state]) => !bounced.has(email) && (state === 'delivered' || state === 'pending'));
  return open ? status : 'bounced';
}

/** SHA-256 of a raw message with CRLF turned into LF, as SMTP and HTTP deliver the same report with either. */
function digestOf(raw: Buffer): string {
  return createHash('sha256').update(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1').digest('hex');
}

function toResult(report: InboundReport, failures: AttributedFailure[], messageId: string | null): InboundResult {
  return {
    kind: report.kind,
    recipients: failures.map(({ failure, recipient }) => ({
      email: recipient ?? failure.email,
      status: failure.status,
      category: failure.category,
      message_id: recipient === null ? null : messageId,
    })),
  };
}
