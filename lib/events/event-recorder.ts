import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Clock } from '../common/clock.js';
import { createId } from '../common/ids.js';
import { MessageStatusChangeEntity } from '../messages/message-status-change.entity.js';
import type { MessageStatus } from '../messages/message-status.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK } from '../module/tokens.js';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';
import { StatsCounter } from '../stats/stats-counter.js';
import { metricOfEvent } from '../stats/stats-metrics.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity.js';
import { EventEntity } from './event.entity.js';
import type { EventType } from './event-types.js';

export interface NewEvent {
  type: EventType;
  recipientEmail: string;
  metadata?: Record<string, unknown>;
}

/** One step in a message's life: its events, and optionally its new status and fields. */
export interface MessageChange {
  message: Pick<MessageEntity, 'id' | 'tenantId' | 'categories' | 'sandbox'>;
  events: NewEvent[];
  status?: MessageStatus;
  fields?: Partial<MessageEntity>;
  /** Applies the change only while the message is still in this state, else throws {@link StaleMessageError}. */
  expected?: { statuses: readonly MessageStatus[]; attempts?: number };
}

/** Thrown when a message left the state a change expected; the transaction rolls back. */
export class StaleMessageError extends Error {
  constructor(messageId: string) {
    super(`Message ${messageId} changed state before this change was recorded`);
    this.name = 'StaleMessageError';
  }
}

/**
 * The one writer of events. In a single transaction it stores the events, the message's status
 * and status history, the daily counters and one webhook delivery per matching endpoint. Those
 * deliveries are the outbox, enqueued after the commit, so timeline, status, stats and webhooks
 * never disagree.
 */
@Injectable()
export class EventRecorder {
  private readonly logger = new Logger(EventRecorder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stats: StatsCounter,
    private readonly queues: ScaiSendQueues,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  /** Records one change in its own transaction, then enqueues its webhook deliveries. */
  async record(change: MessageChange): Promise<EventEntity[]> {
    const { events, deliveries } = await this.dataSource.transaction((manager) => this.recordIn(manager, change));
    await this.enqueueDeliveries(deliveries);
    return events;
  }

  /**
   * Records a change inside the caller's transaction. The caller must pass the returned
   * deliveries to {@link enqueueDeliveries} after its commit.
   */
  async recordIn(manager: EntityManager, change: MessageChange): Promise<{ events: EventEntity[]; deliveries: WebhookDeliveryEntity[] }> {
    const now = this.clock.now();
    const { message } = change;

    if (change.status || change.fields || change.expected) {
      await this.updateMessage(manager, change, now);
    }
    if (change.status) {
      await manager.insert(MessageStatusChangeEntity, { messageId: message.id, tenantId: message.tenantId, status: change.status, changedAt: now });
    }

    const events = change.events.map((event) =>
      manager.create(EventEntity, {
        id: createId('evt'),
        tenantId: message.tenantId,
        messageId: message.id,
        eventType: event.type,
        recipientEmail: event.recipientEmail,
        metadata: event.metadata ?? {},
        occurredAt: now,
      }),
    );
    if (events.length === 0) return { events, deliveries: [] };

    await manager.insert(EventEntity, events as QueryDeepPartialEntity<EventEntity>[]);
    await this.stats.increment(
      manager,
      events.flatMap((event) => {
        const metric = metricOfEvent(event.eventType, event.metadata);
        return metric ? [{ tenantId: message.tenantId, at: now, metric, categories: message.categories }] : [];
      }),
    );
    const deliveries = message.sandbox ? [] : await this.createDeliveries(manager, message.tenantId, events, now);
    return { events, deliveries };
  }

  private async updateMessage(manager: EntityManager, change: MessageChange, now: Date): Promise<void> {
    const { message, expected } = change;
    const values = { ...change.fields, ...(change.status ? { status: change.status } : {}), updatedAt: now };
    const update = manager.createQueryBuilder().update(MessageEntity).set(values).where('id = :id AND tenant_id = :tenantId', { id: message.id, tenantId: message.tenantId });
    if (expected) update.andWhere('status IN (:...statuses)', { statuses: expected.statuses });
    if (expected?.attempts !== undefined) update.andWhere('attempts = :attempts', { attempts: expected.attempts });

    const result = await update.execute();
    if (expected && !result.affected) throw new StaleMessageError(message.id);
  }

  /** Enqueues webhook deliveries; the job id is the delivery id, so enqueueing twice is harmless. */
  async enqueueDeliveries(deliveries: WebhookDeliveryEntity[]): Promise<void> {
    if (deliveries.length === 0) return;
    try {
      await this.queues.addWebhookDeliveries(
        deliveries.map((delivery) => delivery.id),
        this.options.webhookRetryDelays.length + 1,
      );
    } catch (error) {
      // The deliveries are committed; the outbox sweep enqueues them later.
      this.logger.error(`Enqueueing ${deliveries.length} webhook deliveries failed: ${(error as Error).message}`);
    }
  }

  private async createDeliveries(manager: EntityManager, tenantId: string, events: EventEntity[], now: Date): Promise<WebhookDeliveryEntity[]> {
    const endpoints = await manager.find(WebhookEndpointEntity, { where: { tenantId, enabled: true } });
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(event.eventType))
        .map((endpoint) =>
          manager.create(WebhookDeliveryEntity, {
            id: createId('whd'),
            tenantId,
            endpointId: endpoint.id,
            eventId: event.id,
            status: 'pending',
            attempts: [],
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
          }),
        ),
    );
    if (deliveries.length > 0) await manager.insert(WebhookDeliveryEntity, deliveries);
    return deliveries;
  }
}
