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
import { heldRetryDelayMs, nextRetryDelaySeconds } from './delivery-schedule.js';
import { classifySmtpReply } from './reply-classifier.js';
import type { DeliveryResult, RecipientResult } from './smtp-delivery.js';

/**
 * Turns the SMTP replies of one attempt into events, recipient states, suppressions and the
 * message's next status, in one transaction. Replies are classified on their enhanced status
 * code and text. A 2xx is `delivered`. An unknown mailbox is a hard `bounce` that suppresses the
 * address. A policy or reputation refusal is `blocked`. Other permanent failures (a full
 * mailbox, a message too large) are a soft `bounce`. A 4xx or no connection is `deferred` with
 * another attempt scheduled, until the retry window closes and the recipient bounces as soft.
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
    const { deliveryRetryDelays: delays, deliveryMaxAgeSeconds: maxAge } = this.options;
    // A local throttling deferral names when the destination takes mail again; waiting less is pointless.
    const throttledMs = Math.max(0, ...result.recipients.map((recipient) => recipient.retryAfterMs ?? 0));
    // An attempt that the module's own throttle held back whole reached no server, so it does not
    // advance the retry schedule. Held tries back off on a schedule of their own, and so do the
    // recipients of a real attempt when all those still waiting were held back.
    const heldBack = result.recipients.length > 0 && result.recipients.every((recipient) => recipient.heldBack === true);
    const heldAttempts = message.heldAttempts + (heldBack ? 1 : 0);
    const classified = result.recipients.map((recipient) => ({ recipient, reply: classifySmtpReply(recipient) }));
    const waiting = classified.filter(({ recipient, reply }) => !recipient.outcomeUnknown && reply.category === 'deferred').map(({ recipient }) => recipient);
    const onlyHeldWait = waiting.length > 0 && waiting.every((recipient) => recipient.heldBack === true);
    const retryDelayMs = onlyHeldWait
      ? heldRetryDelayMs(throttledMs, Math.max(1, heldAttempts), delays, message.createdAt, now, maxAge)
      : retryDelaySecondsToMs(nextRetryDelaySeconds(message.attempts - message.heldAttempts, delays, message.createdAt, now, maxAge));
    const nextAttemptAt = retryDelayMs === null ? null : new Date(now.getTime() + Math.max(retryDelayMs, throttledMs));

    const events: NewEvent[] = [];
    const states = new Map<string, RecipientState>();
    const suppressions: NewSuppression[] = [];
    for (const { recipient, reply } of classified) {
      const status = recipient.enhancedStatus ?? (recipient.code === null ? null : String(recipient.code));
      if (reply.category === 'delivered') {
        events.push({ type: 'delivered', recipientEmail: recipient.email, metadata: { smtp_response: recipient.response, mx_host: result.mxHost, tls: result.tls } });
        states.set(recipient.email, 'delivered');
      } else if (reply.category === 'hard') {
        events.push({ type: 'bounce', recipientEmail: recipient.email, metadata: bounceMetadata(recipient, 'hard', reply.reason) });
        states.set(recipient.email, 'bounced');
        suppressions.push({ tenantId: message.tenantId, list: 'bounce', email: recipient.email, reason: recipient.response, bounceType: 'hard', status, createdAt: now });
      } else if (reply.category === 'block') {
        // A policy or reputation refusal is no fault of the address, so it is listed under
        // blocks, which do not drop later mail.
        events.push({ type: 'blocked', recipientEmail: recipient.email, metadata: { ...bounceMetadata(recipient, 'block', reply.reason), status: recipient.enhancedStatus } });
        states.set(recipient.email, 'bounced');
        suppressions.push({ tenantId: message.tenantId, list: 'block', email: recipient.email, reason: recipient.response, bounceType: 'block', status, createdAt: now });
      } else if (reply.category === 'soft') {
        events.push({ type: 'bounce', recipientEmail: recipient.email, metadata: bounceMetadata(recipient, 'soft', reply.reason) });
        states.set(recipient.email, 'bounced');
      } else if (recipient.outcomeUnknown) {
        // The session was lost after DATA began: the server may have the message, and sending
        // it again could deliver it twice, so this recipient gets no further attempt.
        states.set(recipient.email, 'unknown');
      } else if (nextAttemptAt) {
        // Only a message's first held try is reported, so a long hold does not repeat the event.
        if (recipient.heldBack && message.heldAttempts > 0) continue;
        events.push({
          type: 'deferred',
          recipientEmail: recipient.email,
          metadata: {
            smtp_response: recipient.response,
            // A held try postpones the next real attempt, which it names.
            attempt: message.attempts - heldAttempts + (heldBack ? 1 : 0),
            next_attempt_at: Math.floor(nextAttemptAt.getTime() / 1000),
            rate_limited: reply.rateLimited,
          },
        });
      } else {
        events.push({ type: 'bounce', recipientEmail: recipient.email, metadata: { ...bounceMetadata(recipient, 'soft', 'expired'), reason: `Retries exhausted: ${recipient.response}` } });
        states.set(recipient.email, 'bounced');
      }
    }

    const stillPending = recipients.filter((recipient) => !states.has(recipient.email));
    const status = await this.nextStatus(message, states, stillPending.length > 0);

    const { deliveries } = await this.dataSource.transaction(async (manager) => {
      for (const state of ['delivered', 'bounced', 'unknown'] as const) {
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
          ...(heldBack ? { heldAttempts } : {}),
          ...(status === 'delivered' ? { deliveredAt: now } : {}),
          ...(status === 'bounced' ? { errorMessage: result.recipients.map((recipient) => recipient.response).join('\n').slice(0, 2000) } : {}),
          ...(status === 'failed' ? { errorMessage: 'The delivery outcome is unknown: the SMTP session was lost after DATA began, so the message is not sent again.' } : {}),
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
    const earlier = message.attempts > 1 && (await this.dataSource.getRepository(MessageRecipientEntity).existsBy({ messageId: message.id, tenantId: message.tenantId, state: 'delivered' }));
    if (earlier) return 'delivered';
    return [...states.values()].includes('unknown') ? 'failed' : 'bounced';
  }

  private async scheduleRetry(message: MessageEntity, delayMs: number): Promise<void> {
    try {
      await this.queues.addSends([{ id: message.id, tenantId: message.tenantId, attempts: message.attempts, delayMs }]);
    } catch (error) {
      this.logger.error(`Message ${message.id}: scheduling attempt ${message.attempts + 1} failed; the recovery sweep retries it: ${(error as Error).message}`);
    }
  }
}

function retryDelaySecondsToMs(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

function bounceMetadata(recipient: RecipientResult, bounceType: 'hard' | 'soft' | 'block', classification: string) {
  return { bounce_type: bounceType, status: recipient.enhancedStatus, reason: recipient.response, classification, smtp_response: recipient.response };
}
