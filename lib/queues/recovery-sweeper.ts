import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { EventRecorder, StaleMessageError } from '../events/event-recorder.js';
import { DELIVERABLE_STATUSES } from '../messages/message-status.js';
import { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK } from '../module/tokens.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';
import { ScaiSendQueues } from './scaisend-queues.js';

const SWEEP_INTERVAL_MS = 60_000;

/** A job due this long ago without having run is taken as lost and enqueued again. */
const OVERDUE_MS = 5 * 60_000;

/** A lease older than this belongs to a worker that stopped during SMTP. */
const LEASE_EXPIRY_MS = 15 * 60_000;

const BATCH_SIZE = 500;

/**
 * Finds work that was stored but whose job went missing (the enqueue after a commit failed, or
 * the queue store lost it) and enqueues it again under the same job id, so a job that still
 * exists is not doubled. A message whose lease expired is marked `failed` and never resent: its
 * SMTP transaction may have completed.
 */
@Injectable()
export class RecoverySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecoverySweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: ScaiSendQueues,
    private readonly recorder: EventRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.runWorkers) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: Error) => this.logger.error(`Recovery sweep failed: ${error.message}`, error.stack))
        .finally(() => (this.running = undefined));
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops sweeping before the queues close, so a sweep never adds to a closing queue. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs one pass over overdue messages, expired leases and pending webhook deliveries. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const overdue = new Date(now.getTime() - OVERDUE_MS);
    const messages = this.dataSource.getRepository(MessageEntity);

    const stuck = await messages.find({
      select: { id: true, tenantId: true, attempts: true },
      where: { status: In(DELIVERABLE_STATUSES), nextAttemptAt: LessThan(overdue) },
      order: { nextAttemptAt: 'ASC' },
      take: BATCH_SIZE,
    });
    if (stuck.length > 0) {
      await this.queues.addSends(stuck);
      this.logger.warn(`Enqueued ${stuck.length} overdue messages again`);
    }

    const expired = await messages.find({
      where: { status: 'sending', leaseTakenAt: LessThan(new Date(now.getTime() - LEASE_EXPIRY_MS)) },
      order: { leaseTakenAt: 'ASC' },
      take: BATCH_SIZE,
    });
    for (const message of expired) await this.failExpiredLease(message);

    const deliveries = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .find({ where: { status: 'pending', nextAttemptAt: LessThan(overdue) }, order: { nextAttemptAt: 'ASC' }, take: BATCH_SIZE });
    await this.recorder.enqueueDeliveries(deliveries);
  }

  private async failExpiredLease(message: MessageEntity): Promise<void> {
    try {
      await this.recorder.record({
        message,
        events: [],
        status: 'failed',
        expected: { statuses: ['sending'], attempts: message.attempts },
        fields: { leaseTakenAt: null, errorMessage: 'The delivery outcome is unknown: the worker stopped after the SMTP transaction began, so the message is not sent again.' },
      });
      this.logger.error(`Message ${message.id}: lease expired during SMTP; marked failed`);
    } catch (error) {
      if (!(error instanceof StaleMessageError)) throw error;
    }
  }
}
