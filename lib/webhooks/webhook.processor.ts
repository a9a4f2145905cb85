import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { unixSeconds } from '../common/dates.js';
import type { SecretBox } from '../common/secret-box.js';
import { EventEntity } from '../events/event.entity.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK, SECRET_BOX, WEBHOOK_HTTP_CLIENT } from '../module/tokens.js';
import { ScaiSendQueues, WEBHOOK_QUEUE, WebhookJobData } from '../queues/scaisend-queues.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import type { WebhookHttpClient } from './webhook-sender.js';

/** Consecutive failures after which an endpoint is disabled until it is enabled again. */
const AUTO_DISABLE_AFTER = 10;

/**
 * Delivers webhook events: one signed POST per attempt, each attempt recorded on the delivery.
 * A failed attempt throws, so BullMQ retries it after the next delay of the schedule.
 */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: ScaiSendQueues,
    @Inject(WEBHOOK_HTTP_CLIENT) private readonly http: WebhookHttpClient,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runWorkers) return;
    const delays = this.options.webhookRetryDelays;
    this.queues.startWorker<WebhookJobData>(WEBHOOK_QUEUE, (job) => this.process(job), {
      concurrency: this.options.concurrency.webhook,
      settings: { backoffStrategy: (attemptsMade: number) => (delays[Math.min(attemptsMade, delays.length) - 1] ?? 0) * 1000 },
    });
  }

  /** The attempts a delivery gets: the first and one per retry delay. */
  get maxAttempts(): number {
    return this.options.webhookRetryDelays.length + 1;
  }

  async process(job: Job<WebhookJobData>): Promise<void> {
    try {
      await this.attempt(job);
    } catch (error) {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (finalAttempt && !(error instanceof UnrecoverableError)) {
        this.logger.error(`Webhook delivery ${job.data.deliveryId} failed for good: ${(error as Error).message}`);
        await this.dataSource
          .getRepository(WebhookDeliveryEntity)
          .update({ id: job.data.deliveryId, status: 'pending' }, { status: 'failed', nextAttemptAt: null, updatedAt: this.clock.now() });
      }
      throw error;
    }
  }

  private async attempt(job: Job<WebhookJobData>): Promise<void> {
    const deliveries = this.dataSource.getRepository(WebhookDeliveryEntity);
    const delivery = await deliveries.findOneBy({ id: job.data.deliveryId });
    if (!delivery || delivery.status !== 'pending') return;

    const endpoint = await this.dataSource.getRepository(WebhookEndpointEntity).findOneBy({ id: delivery.endpointId, tenantId: delivery.tenantId });
    if (!endpoint || !endpoint.enabled) {
      await deliveries.update({ id: delivery.id }, { status: 'failed', nextAttemptAt: null, updatedAt: this.clock.now() });
      return;
    }

    const body = await this.envelope(delivery);
    const timestamp = unixSeconds(this.clock.now());
    const result = await this.http.post({
      url: endpoint.url,
      secret: this.secrets.open(endpoint.signingSecretSealed),
      eventType: body.event_type,
      body: JSON.stringify(body),
      timestamp,
    });

    const attempt = delivery.attempts.length + 1;
    const finalAttempt = !result.ok && attempt >= this.maxAttempts;
    await this.recordAttempt(delivery, endpoint, attempt, timestamp, result, finalAttempt);
    if (result.ok) return;

    this.logger.warn(`Webhook delivery ${delivery.id} to ${endpoint.id} attempt ${attempt} failed: ${result.error ?? `HTTP ${result.statusCode}`}`);
    if (finalAttempt) throw new UnrecoverableError(`Webhook delivery ${delivery.id} failed after ${attempt} attempts`);
    throw new Error(`Webhook attempt ${attempt} failed: ${result.error ?? `HTTP ${result.statusCode}`}`);
  }

  private async envelope(delivery: WebhookDeliveryEntity) {
    const event = await this.dataSource.getRepository(EventEntity).findOneByOrFail({ id: delivery.eventId, tenantId: delivery.tenantId });
    const message = await this.dataSource
      .getRepository(MessageEntity)
      .findOne({ select: { id: true, categories: true, customArgs: true }, where: { id: event.messageId, tenantId: delivery.tenantId } });
    return {
      event_id: event.id,
      event_type: event.eventType,
      timestamp: unixSeconds(event.occurredAt),
      message_id: event.messageId,
      recipient_email: event.recipientEmail,
      tenant_id: event.tenantId,
      categories: message?.categories ?? [],
      custom_args: message?.customArgs ?? {},
      metadata: event.metadata,
    };
  }

  private async recordAttempt(
    delivery: WebhookDeliveryEntity,
    endpoint: WebhookEndpointEntity,
    attempt: number,
    timestamp: number,
    result: { ok: boolean; statusCode: number | null; error: string | null; durationMs: number },
    finalAttempt: boolean,
  ): Promise<void> {
    const now = this.clock.now();
    const delays = this.options.webhookRetryDelays;
    const nextDelay = delays[attempt - 1];
    const attempts = [...delivery.attempts, { attempt, timestamp, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs }];

    await this.dataSource.transaction(async (manager) => {
      await manager.update(WebhookDeliveryEntity, { id: delivery.id, tenantId: delivery.tenantId }, {
        attempts,
        status: deliveryStatus(result.ok, finalAttempt),
        nextAttemptAt: result.ok || finalAttempt || nextDelay === undefined ? null : new Date(now.getTime() + nextDelay * 1000),
        updatedAt: now,
      });
      if (result.ok) {
        await manager.update(WebhookEndpointEntity, { id: endpoint.id, tenantId: endpoint.tenantId }, { lastSuccessAt: now, failureCount: 0 });
        return;
      }
      // The count is raised in SQL, so failures of parallel attempts to one endpoint all count.
      await manager
        .createQueryBuilder()
        .update(WebhookEndpointEntity)
        .set({ lastFailureAt: now, failureCount: () => 'failure_count + 1' })
        .where('id = :id AND tenant_id = :tenantId', { id: endpoint.id, tenantId: endpoint.tenantId })
        .execute();
      const disabled = await manager
        .createQueryBuilder()
        .update(WebhookEndpointEntity)
        .set({ enabled: false, disabledAt: now })
        .where('id = :id AND tenant_id = :tenantId AND enabled = :enabled AND failure_count >= :limit', { id: endpoint.id, tenantId: endpoint.tenantId, enabled: true, limit: AUTO_DISABLE_AFTER })
        .execute();
      if (disabled.affected) this.logger.warn(`Webhook endpoint ${endpoint.id} disabled after ${AUTO_DISABLE_AFTER} consecutive failures`);
    });
  }
}

function deliveryStatus(ok: boolean, finalAttempt: boolean): 'succeeded' | 'failed' | 'pending' {
  if (ok) return 'succeeded';
  return finalAttempt ? 'failed' : 'pending';
}
