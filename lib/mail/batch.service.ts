import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Not, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { EventRecorder } from '../events/event-recorder.js';
import { MessageEntity } from '../messages/message.entity.js';
import { CLOCK } from '../module/tokens.js';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';
import { BatchEntity, BatchState } from './batch.entity.js';

/** Batches of scheduled sends and their pause and cancel states, as SendGrid's scheduled sends API has them. */
@Injectable()
export class BatchService {
  private readonly logger = new Logger(BatchService.name);

  constructor(
    @InjectRepository(BatchEntity) private readonly batches: Repository<BatchEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: EventRecorder,
    private readonly queues: ScaiSendQueues,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(tenantId: string): Promise<BatchEntity> {
    const now = this.clock.now();
    // SendGrid's batch ids are opaque strings; a UUID keeps them unguessable across tenants.
    const batch = this.batches.create({ id: randomUUID(), tenantId, state: 'active', createdAt: now, updatedAt: now });
    await this.batches.insert(batch);
    return batch;
  }

  async get(tenantId: string, id: string): Promise<BatchEntity> {
    const batch = await this.batches.findOneBy({ tenantId, id });
    if (!batch) throw notFound('Batch');
    return batch;
  }

  /** Counts the batch's messages by status. */
  async statusCounts(tenantId: string, id: string): Promise<{ total: number; statuses: Record<string, number> }> {
    await this.get(tenantId, id);
    const rows: Array<{ status: string; count: string }> = await this.dataSource
      .getRepository(MessageEntity)
      .createQueryBuilder('message')
      .select('message.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .where('message.tenantId = :tenantId AND message.batchId = :id', { tenantId, id })
      .groupBy('message.status')
      .getRawMany();
    const statuses = Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    return { total: Object.values(statuses).reduce((sum, count) => sum + count, 0), statuses };
  }

  /** Lists the batches that are paused or cancelled. */
  held(tenantId: string): Promise<BatchEntity[]> {
    return this.batches.find({ where: { tenantId, state: Not('active') }, order: { createdAt: 'ASC' } });
  }

  /**
   * Pauses or cancels a batch. Cancelling marks every message of the batch that is still queued
   * `cancelled`; pausing keeps them queued until {@link resume}.
   */
  async hold(tenantId: string, id: string, state: Exclude<BatchState, 'active'>): Promise<BatchEntity> {
    const batch = await this.get(tenantId, id);
    if (batch.state === 'cancel' && state === 'pause') {
      throw new ApiException(HttpStatus.CONFLICT, `Batch ${id} is cancelled and cannot be paused`);
    }

    batch.state = state;
    batch.updatedAt = this.clock.now();
    await this.batches.update({ tenantId, id }, { state, updatedAt: batch.updatedAt });
    if (state === 'cancel') await this.cancelQueued(tenantId, id);
    this.logger.log(`Batch ${id} of tenant ${tenantId}: ${state}`);
    return batch;
  }

  /** Lifts a pause: the batch's queued messages are enqueued again. A cancelled batch stays cancelled. */
  async resume(tenantId: string, id: string): Promise<void> {
    const batch = await this.get(tenantId, id);
    if (batch.state === 'cancel') throw new ApiException(HttpStatus.CONFLICT, `Batch ${id} is cancelled and cannot be resumed`);
    await this.batches.update({ tenantId, id }, { state: 'active', updatedAt: this.clock.now() });

    const queued = await this.dataSource
      .getRepository(MessageEntity)
      .find({ select: { id: true, tenantId: true, attempts: true, sendAt: true }, where: { tenantId, batchId: id, status: 'queued' } });
    const now = this.clock.now().getTime();
    await this.queues.addSends(queued.map((message) => ({ ...message, delayMs: message.sendAt ? message.sendAt.getTime() - now : 0 })));
  }

  /** Returns the state of a batch, or null when the tenant has no such batch. */
  async findState(tenantId: string, batchId: string): Promise<BatchState | null> {
    const batch = await this.batches.findOne({ select: { state: true }, where: { tenantId, id: batchId } });
    return batch?.state ?? null;
  }

  private async cancelQueued(tenantId: string, batchId: string): Promise<void> {
    const queued = await this.dataSource.getRepository(MessageEntity).find({ where: { tenantId, batchId, status: 'queued' } });
    for (const message of queued) {
      await this.recorder
        .record({ message, events: [], status: 'cancelled', expected: { statuses: ['queued'] } })
        .catch((error: Error) => this.logger.warn(`Message ${message.id} was not cancelled: ${error.message}`));
    }
  }
}
