import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { EventRecorder, NewEvent } from '../events/event-recorder.js';
import { MessageRecipientEntity, RecipientState } from '../messages/message-recipient.entity.js';
import type { MessageStatus } from '../messages/message-status.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK } from '../module/tokens.js';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';
import { NewSuppression, SuppressionService } from '../suppressions/suppression.service.js';
import { nextRetryDelaySeconds } from './delivery-schedule.js';
import type { DeliveryResult, RecipientResult } from './smtp-delivery.js';

type Verdict = 'delivered' | 'bounced' | 'deferred';

/**
 * Turns the SMTP replies of one attempt into events, recipient states, suppressions and the
 * message's next status, in one transaction. A 2xx is `delivered`. A 5xx is a hard `bounce` that
 * suppresses the address. A 4xx or no connection is `deferred` with another attempt scheduled,
 * until the retry window closes and the recipient bounces as soft.
 */
@Injectable()
export class DeliveryOutcomeWriter {
  private readonly logger = new Logger(DeliveryOutcomeWriter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: EventRecorder,
    private readonly suppressions: SuppressionService,
    private readonly queues: ScaiSendQueues,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  /** Records the outcome for `recipients`, the pending recipients this attempt sent to. */
  async write(message: MessageEntity, recipients: MessageRecipientEntity[], result: DeliveryResult): Promise<void> {
    const now = this.clock.now();
    const retryDelay = nextRetryDelaySeconds(message.attempts, this.options.deliveryRetryDelays, message.createdAt, now, this.options.deliveryMaxAgeSeconds);
    const nextAttemptAt = retryDelay === null ? null : new Date(now.getTime() + retryDelay * 1000);

    const events: NewEvent[] = [];
    const states = new Map<string, RecipientState>();
    const suppressions: NewSuppression[] = [];
    for (const recipient of result.recipients) {
      const verdict = verdictOf(recipient);
      if (verdict === 'delivered') {
        events.push({ type: 'delivered', recipientEmail: recipient.email, metadata: { smtp_response: recipient.response, mx_host: result.mxHost, tls: result.tls } });
        states.set(recipient.email, 'delivered');
      } else if (verdict === 'bounced') {
        events.push({ type: 'bounce', recipientEmail: recipient.email, metadata: bounceMetadata(recipient, 'hard') });
        states.set(recipient.email, 'bounced');
        suppressions.push({ tenantId: message.tenantId, list: 'bounce', email: recipient.email, reason: recipient.response, bounceType: 'hard', status: recipient.enhancedStatus ?? String(recipient.code), createdAt: now });
      } else if (nextAttemptAt) {
        events.push({
          type: 'deferred',
          recipientEmail: recipient.email,
          metadata: { smtp_response: recipient.response, attempt: message.attempts, next_attempt_at: Math.floor(nextAttemptAt.getTime() / 1000) },
        });
      } else {
        events.push({ type: 'bounce', recipientEmail: recipient.email, metadata: { ...bounceMetadata(recipient, 'soft'), reason: `Retries exhausted: ${recipient.response}` } });
        states.set(recipient.email, 'bounced');
      }
    }

    const stillPending = recipients.filter((recipient) => !states.has(recipient.email));
    const status = await this.nextStatus(message, states, stillPending.length > 0);

    const { deliveries } = await this.dataSource.transaction(async (manager) => {
      for (const state of ['delivered', 'bounced'] as const) {
        const emails = [...states].filter(([, value]) => value === state).map(([email]) => email);
        if (emails.length > 0) await manager.update(MessageRecipientEntity, { messageId: message.id, tenantId: message.tenantId, email: In(emails) }, { state });
      }
      await this.suppressions.addIn(manager, suppressions);
      return this.recorder.recordIn(manager, {
        message,
        events,
        status,
        expected: { statuses: ['sending'], attempts: message.attempts },
        fields: {
          leaseTakenAt: null,
          nextAttemptAt: status === 'queued' ? nextAttemptAt : null,
          ...(status === 'delivered' ? { deliveredAt: now } : {}),
          ...(status === 'bounced' ? { errorMessage: result.recipients.map((recipient) => recipient.response).join('\n').slice(0, 2000) } : {}),
        },
      });
    });
    await this.recorder.enqueueDeliveries(deliveries);

    this.logger.log(`Message ${message.id} attempt ${message.attempts}: ${status}`);
    if (status === 'queued' && nextAttemptAt) await this.scheduleRetry(message, nextAttemptAt.getTime() - now.getTime());
  }

  /** `queued` while recipients wait for a retry; else `delivered` if any recipient got it, else `bounced`. */
  private async nextStatus(message: MessageEntity, states: Map<string, RecipientState>, anyPending: boolean): Promise<MessageStatus> {
    if (anyPending) return 'queued';
    if ([...states.values()].includes('delivered')) return 'delivered';
    if (message.attempts <= 1) return 'bounced';
    const earlier = await this.dataSource.getRepository(MessageRecipientEntity).existsBy({ messageId: message.id, tenantId: message.tenantId, state: 'delivered' });
    return earlier ? 'delivered' : 'bounced';
  }

  private async scheduleRetry(message: MessageEntity, delayMs: number): Promise<void> {
    try {
      await this.queues.addSends([{ id: message.id, tenantId: message.tenantId, attempts: message.attempts, delayMs }]);
    } catch (error) {
      this.logger.error(`Message ${message.id}: scheduling attempt ${message.attempts + 1} failed; the recovery sweep retries it: ${(error as Error).message}`);
    }
  }
}

function verdictOf(recipient: RecipientResult): Verdict {
  if (recipient.accepted) return 'delivered';
  if (recipient.code !== null && recipient.code >= 500) return 'bounced';
  return 'deferred';
}

function bounceMetadata(recipient: RecipientResult, bounceType: 'hard' | 'soft') {
  return { bounce_type: bounceType, status: recipient.enhancedStatus, reason: recipient.response, smtp_response: recipient.response };
}
