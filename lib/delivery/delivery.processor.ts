import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { DataSource, In } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { DomainService } from '../domains/domain.service.js';
import { EventRecorder, NewEvent } from '../events/event-recorder.js';
import { MessageRecipientEntity } from '../messages/message-recipient.entity.js';
import { MessageStatusChangeEntity } from '../messages/message-status-change.entity.js';
import { DELIVERABLE_STATUSES } from '../messages/message-status.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK, MAIL_TRANSPORT } from '../module/tokens.js';
import { ScaiSendQueues, SEND_QUEUE, SendJobData } from '../queues/scaisend-queues.js';
import { SuppressionService } from '../suppressions/suppression.service.js';
import { DeliveryOutcomeWriter } from './delivery-outcome.writer.js';
import type { MailTransport } from './mail-transport.js';
import { buildMime, BuiltMime } from './mime-builder.js';
import { SmtpConnectionError, type DeliveryResult } from './smtp-delivery.js';

/**
 * Delivers one message per job: drops suppressed recipients, builds and signs the MIME, takes
 * the delivery lease, sends over SMTP and records the outcome through the event recorder.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: ScaiSendQueues,
    private readonly recorder: EventRecorder,
    private readonly domains: DomainService,
    private readonly suppressions: SuppressionService,
    private readonly outcomes: DeliveryOutcomeWriter,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runWorkers) return;
    this.queues.startWorker<SendJobData>(SEND_QUEUE, (job) => this.process(job), { concurrency: this.options.concurrency.send });
  }

  /** Closes the SMTP connection pools; the workers have stopped by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  async process(job: Job<SendJobData>): Promise<void> {
    const messages = this.dataSource.getRepository(MessageEntity);
    let message = await messages.findOneBy({ id: job.data.messageId, tenantId: job.data.tenantId });
    if (!message || !DELIVERABLE_STATUSES.includes(message.status)) return;

    if (message.status === 'queued' && message.attempts === 0) {
      const remaining = await this.dropSuppressed(message);
      if (remaining === 0) return;
      message = await messages.findOneByOrFail({ id: message.id });
    }

    const recipients = await this.dataSource.getRepository(MessageRecipientEntity).findBy({ messageId: message.id, state: 'pending' });
    if (recipients.length === 0) return;

    const built = await this.build(message);
    if (message.sandbox) {
      await this.recorder.record({ message, events: [], status: 'sandbox', fields: { ...this.renderedFields(message, built), mime: built.raw.toString('utf8') } });
      return;
    }

    const leased = await this.takeLease(message, built);
    if (!leased) {
      this.logger.warn(`Message ${message.id}: delivery attempt skipped, another attempt already began`);
      return;
    }

    const result = await this.sendOverSmtp(message, built, recipients.map((recipient) => recipient.email));
    await this.outcomes.write(message, result);
  }

  /** Records `dropped` for suppressed recipients and `processed` for the others; returns how many remain. */
  private async dropSuppressed(message: MessageEntity): Promise<number> {
    const recipients = await this.dataSource.getRepository(MessageRecipientEntity).findBy({ messageId: message.id });
    const reasons = await this.suppressions.dropReasons(message.tenantId, recipients.map((recipient) => recipient.email), message.mailSettings);
    const kept = recipients.filter((recipient) => !reasons.has(recipient.email));
    const events: NewEvent[] = [
      ...[...reasons].map(([email, reason]) => ({ type: 'dropped' as const, recipientEmail: email, metadata: { reason } })),
      ...kept.map((recipient) => ({ type: 'processed' as const, recipientEmail: recipient.email })),
    ];

    const { deliveries } = await this.dataSource.transaction(async (manager) => {
      if (reasons.size > 0) {
        await manager.update(MessageRecipientEntity, { messageId: message.id, email: In([...reasons.keys()]) }, { state: 'dropped' });
      }
      return this.recorder.recordIn(manager, {
        message,
        events,
        status: kept.length > 0 ? 'processing' : 'failed',
        fields: kept.length > 0 ? {} : { errorMessage: 'Every recipient is on a suppression list; nothing was sent.' },
      });
    });
    await this.recorder.enqueueDeliveries(deliveries);
    return kept.length;
  }

  private async build(message: MessageEntity): Promise<BuiltMime> {
    const fromDomain = message.fromEmail.slice(message.fromEmail.lastIndexOf('@') + 1);
    const dkim = await this.domains.signingKey(message.tenantId, fromDomain);
    return buildMime(
      {
        messageId: message.id,
        from: { email: message.fromEmail, name: message.fromName ?? undefined },
        to: message.to,
        cc: message.cc,
        bcc: message.bcc,
        replyTo: message.replyTo,
        subject: message.content.subject ?? '',
        html: message.content.html ?? undefined,
        text: message.content.text ?? undefined,
        headers: message.headers,
        date: message.createdAt,
        attachments: message.content.attachments.map((attachment) => ({
          filename: attachment.filename,
          content: attachment.content,
          contentType: attachment.type,
          disposition: attachment.disposition,
          contentId: attachment.content_id,
        })),
      },
      dkim ?? undefined,
    );
  }

  private renderedFields(message: MessageEntity, built: BuiltMime): Partial<MessageEntity> {
    return {
      renderedSubject: message.content.subject,
      renderedHtml: message.content.html,
      renderedText: message.content.text,
      outgoingHeaders: built.headers,
    };
  }

  /**
   * Marks the message `sending` only if no other attempt began since it was loaded. The lease is
   * committed before SMTP starts, so a retried, stalled or restarted job never sends it again.
   */
  private async takeLease(message: MessageEntity, built: BuiltMime): Promise<boolean> {
    const now = this.clock.now();
    const taken = await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(MessageEntity)
        .set({ status: 'sending', attempts: message.attempts + 1, leaseTakenAt: now, updatedAt: now, ...this.renderedFields(message, built) })
        .where('id = :id AND attempts = :attempts AND status IN (:...statuses)', { id: message.id, attempts: message.attempts, statuses: DELIVERABLE_STATUSES })
        .execute();
      if (!result.affected) return false;
      await manager.insert(MessageStatusChangeEntity, { messageId: message.id, tenantId: message.tenantId, status: 'sending', changedAt: now });
      return true;
    });
    if (taken) message.attempts += 1;
    return taken;
  }

  private async sendOverSmtp(message: MessageEntity, built: BuiltMime, emails: string[]): Promise<DeliveryResult> {
    try {
      return await this.transport.send(built.raw, { from: built.envelope.from, to: emails });
    } catch (error) {
      const reason = error instanceof SmtpConnectionError ? error.message : `Delivery failed: ${(error as Error).message}`;
      this.logger.warn(`Message ${message.id} attempt ${message.attempts}: ${reason}`);
      return {
        mxHost: null,
        tls: false,
        response: null,
        recipients: emails.map((email) => ({ email, accepted: false, code: null, enhancedStatus: null, response: reason })),
      };
    }
  }
}
