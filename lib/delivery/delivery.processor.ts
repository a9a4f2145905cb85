import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { DataSource, In } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { domainOf } from '../common/email-address.js';
import { DomainService } from '../domains/domain.service.js';
import { BatchService } from '../mail/batch.service.js';
import { EventRecorder, NewEvent, StaleMessageError } from '../events/event-recorder.js';
import { MessageRecipientEntity } from '../messages/message-recipient.entity.js';
import { MessageStatusChangeEntity } from '../messages/message-status-change.entity.js';
import { DELIVERABLE_STATUSES } from '../messages/message-status.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK, MAIL_TRANSPORT } from '../module/tokens.js';
import { ScaiSendQueues, SEND_QUEUE, SendJobData } from '../queues/scaisend-queues.js';
import { SuppressionService } from '../suppressions/suppression.service.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { returnPathDomain } from '../inbound/return-path-records.js';
import { verpAddress } from '../inbound/verp.js';
import { DeliveryOutcomeWriter } from './delivery-outcome.writer.js';
import type { MailTransport } from './mail-transport.js';
import { buildMime, BuiltMime, DkimSigningKey } from './mime-builder.js';
import { SmtpConnectionError, type DeliveryResult } from './smtp-delivery.js';

/** Tries of writing an SMTP outcome before the job fails; the waits between them double from 1 s. */
const OUTCOME_WRITE_ATTEMPTS = 4;

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
    private readonly batches: BatchService,
    private readonly tracking: TrackingService,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runWorkers) return;
    this.queues.startWorker<SendJobData>(SEND_QUEUE, (job) => this.process(job), { concurrency: this.options.concurrency.send });
  }

  /** Closes the SMTP connection pools of the default transport; the workers have stopped by now. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.options.mailTransport) await this.transport.close();
  }

  async process(job: Job<SendJobData>): Promise<void> {
    try {
      await this.deliver(job.data);
    } catch (error) {
      if (error instanceof StaleMessageError) {
        this.logger.warn(`Job ${job.id}: ${error.message}; nothing more to do`);
        return;
      }
      if (isFinalAttempt(job)) await this.markFailed(job.data, error as Error);
      throw error;
    }
  }

  private async deliver({ messageId, tenantId }: SendJobData): Promise<void> {
    const message = await this.dataSource.getRepository(MessageEntity).findOneBy({ id: messageId, tenantId });
    if (!message || !DELIVERABLE_STATUSES.includes(message.status)) return;

    const batchState = message.batchId ? await this.batches.findState(tenantId, message.batchId) : 'active';
    if (batchState === 'pause') {
      // Resuming the batch enqueues its queued messages again.
      this.logger.debug(`Message ${message.id}: held, its batch is paused`);
      return;
    }
    if (batchState === 'cancel') {
      await this.recorder.record({ message, events: [], status: 'cancelled', expected: { statuses: DELIVERABLE_STATUSES, attempts: message.attempts } });
      return;
    }

    const recipients = await this.dataSource.getRepository(MessageRecipientEntity).findBy({ messageId, tenantId, state: 'pending' });
    if (message.sandbox) {
      const built = await this.build(message, await this.domains.signingKey(tenantId, domainOf(message.fromEmail)));
      await this.recorder.record({ message, events: [], status: 'sandbox', expected: { statuses: DELIVERABLE_STATUSES }, fields: { outgoingHeaders: built.headers, mime: built.raw.toString('utf8') } });
      return;
    }

    const pending = message.status === 'queued' && message.attempts === 0 ? await this.dropSuppressed(message, recipients) : recipients;
    if (pending.length === 0) return;

    const dkim = await this.domains.verifiedSigningKey(tenantId, domainOf(message.fromEmail));
    if (!dkim) {
      await this.recorder.record({
        message,
        events: [],
        status: 'failed',
        expected: { statuses: DELIVERABLE_STATUSES, attempts: message.attempts },
        fields: { errorMessage: `The sender domain ${domainOf(message.fromEmail)} is no longer verified; nothing was sent.` },
      });
      return;
    }

    const built = await this.build(message, dkim);
    if (!(await this.takeLease(message, built))) {
      this.logger.warn(`Message ${message.id}: delivery attempt skipped, another attempt already began`);
      return;
    }

    const result = await this.sendOverSmtp(message, built, pending.map((recipient) => recipient.email));
    await this.writeOutcome(message, pending, result);
  }

  /**
   * Records `dropped` for suppressed recipients and `processed` for the others, and moves the
   * message to `processing`, or to `failed` when no recipient is left. Returns the recipients to
   * send to.
   */
  private async dropSuppressed(message: MessageEntity, recipients: MessageRecipientEntity[]): Promise<MessageRecipientEntity[]> {
    const reasons = await this.suppressions.dropReasons(message.tenantId, recipients.map((recipient) => recipient.email), message.mailSettings, message.asm?.group_id);
    const kept = recipients.filter((recipient) => !reasons.has(recipient.email));
    const events: NewEvent[] = [
      ...[...reasons].map(([email, reason]) => ({ type: 'dropped' as const, recipientEmail: email, metadata: { reason } })),
      ...kept.map((recipient) => ({ type: 'processed' as const, recipientEmail: recipient.email })),
    ];

    const { deliveries } = await this.dataSource.transaction(async (manager) => {
      const recorded = await this.recorder.recordIn(manager, {
        message,
        events,
        status: kept.length > 0 ? 'processing' : 'failed',
        expected: { statuses: ['queued'], attempts: 0 },
        fields: kept.length > 0 ? {} : { errorMessage: 'Every recipient is on a suppression list; nothing was sent.' },
      });
      if (reasons.size > 0) {
        await manager.update(MessageRecipientEntity, { messageId: message.id, tenantId: message.tenantId, email: In([...reasons.keys()]) }, { state: 'dropped' });
      }
      return recorded;
    });
    await this.recorder.enqueueDeliveries(deliveries);
    message.status = kept.length > 0 ? 'processing' : 'failed';
    return kept;
  }

  /**
   * Writes the SMTP outcome, retrying a few times in this process: once SMTP ran, the lease
   * keeps any later job from sending again, so this write is the only record of the result.
   */
  private async writeOutcome(message: MessageEntity, recipients: MessageRecipientEntity[], result: DeliveryResult): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.outcomes.write(message, recipients, result);
        return;
      } catch (error) {
        if (error instanceof StaleMessageError || attempt >= OUTCOME_WRITE_ATTEMPTS) throw error;
        this.logger.error(`Message ${message.id}: recording the SMTP outcome failed (try ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  /** Marks a message whose job ran out of attempts `failed`, unless its SMTP transaction began. */
  private async markFailed({ messageId, tenantId }: SendJobData, error: Error): Promise<void> {
    this.logger.error(`Message ${messageId}: delivery failed for good: ${error.message}`, error.stack);
    const message = await this.dataSource.getRepository(MessageEntity).findOneBy({ id: messageId, tenantId });
    if (!message) return;
    await this.recorder
      .record({ message, events: [], status: 'failed', expected: { statuses: DELIVERABLE_STATUSES }, fields: { errorMessage: `Internal error: ${error.message}`.slice(0, 2000) } })
      .catch((recordError: Error) => this.logger.error(`Message ${messageId}: marking it failed did not work: ${recordError.message}`));
  }

  private async build(message: MessageEntity, dkim: DkimSigningKey | null): Promise<BuiltMime> {
    const tracked = await this.tracking.prepare(message);
    return buildMime(
      {
        messageId: message.id,
        from: { email: message.fromEmail, name: message.fromName ?? undefined },
        to: message.to,
        cc: message.cc,
        bcc: message.bcc,
        replyTo: message.replyTo,
        subject: message.content.subject ?? '',
        html: tracked.html,
        text: tracked.text,
        headers: tracked.headers,
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
        .set({ status: 'sending', attempts: message.attempts + 1, leaseTakenAt: now, updatedAt: now, outgoingHeaders: built.headers })
        .where('id = :id AND tenant_id = :tenantId AND attempts = :attempts AND status IN (:...statuses)', { id: message.id, tenantId: message.tenantId, attempts: message.attempts, statuses: DELIVERABLE_STATUSES })
        .execute();
      if (!result.affected) return false;
      await manager.insert(MessageStatusChangeEntity, { messageId: message.id, tenantId: message.tenantId, status: 'sending', changedAt: now });
      return true;
    });
    if (taken) message.attempts += 1;
    return taken;
  }

  /**
   * Returns the VERP address of the message on its domain's return path once those records are
   * verified, so bounces name the message. Before that it returns the From address, because an
   * envelope domain without MX and SPF records would fail receivers' sender checks.
   */
  private async envelopeSender(message: MessageEntity, built: BuiltMime): Promise<string> {
    const senderDomain = domainOf(message.fromEmail);
    if (!this.options.returnPath || !(await this.domains.returnPathVerified(message.tenantId, senderDomain))) return built.envelope.from;
    return verpAddress(message.id, returnPathDomain(senderDomain), this.options.secretKey);
  }

  private async sendOverSmtp(message: MessageEntity, built: BuiltMime, emails: string[]): Promise<DeliveryResult> {
    try {
      return await this.transport.send(built.raw, { from: await this.envelopeSender(message, built), to: emails });
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

function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
