import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { EventRecorder, StaleMessageError } from '../events/event-recorder.js';
import { CLOCK } from '../module/tokens.js';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';
import { EventEntity } from '../events/event.entity.js';
import { MessageRecipientEntity } from './message-recipient.entity.js';
import { MessageEntity } from './message.entity.js';

export interface MessageQuery {
  status?: string;
  toEmail?: string;
  fromEmail?: string;
  subject?: string;
  batchId?: string;
  templateId?: string;
  category?: string;
  startDate?: Date;
  endDate?: Date;
  page: number;
  pageSize: number;
}

/** Reads messages and their timelines, and cancels or retries messages, always within one tenant. */
@Injectable()
export class MessageService {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    @InjectRepository(MessageRecipientEntity) private readonly recipients: Repository<MessageRecipientEntity>,
    private readonly recorder: EventRecorder,
    private readonly queues: ScaiSendQueues,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Cancels a queued or scheduled message; any other status is a 409. */
  async cancel(tenantId: string, id: string): Promise<MessageEntity> {
    const message = await this.find(tenantId, id);
    try {
      await this.recorder.record({ message, events: [], status: 'cancelled', expected: { statuses: ['queued'] } });
    } catch (error) {
      if (!(error instanceof StaleMessageError)) throw error;
      throw new ApiException(HttpStatus.CONFLICT, `Message ${id} is ${(await this.find(tenantId, id)).status}; only queued messages can be cancelled`);
    }
    message.status = 'cancelled';
    return message;
  }

  /**
   * Queues a failed message again for its recipients that have no outcome yet. A message that
   * failed because its SMTP outcome is unknown may then reach its recipients twice: retrying it
   * is the caller's decision.
   */
  async retry(tenantId: string, id: string): Promise<MessageEntity> {
    const message = await this.find(tenantId, id);
    if (message.status !== 'failed') {
      throw new ApiException(HttpStatus.CONFLICT, `Message ${id} is ${message.status}; only failed messages can be retried`);
    }
    if (!(await this.recipients.existsBy({ tenantId, messageId: id, state: 'pending' }))) {
      throw new ApiException(HttpStatus.CONFLICT, `Message ${id} has no recipient left to send to`);
    }

    const now = this.clock.now();
    await this.recorder.record({
      message,
      events: [],
      status: 'queued',
      expected: { statuses: ['failed'], attempts: message.attempts },
      fields: { errorMessage: null, leaseTakenAt: null, nextAttemptAt: now },
    });
    // A job of its own: the message's earlier job may still be waiting (a scheduled send) under
    // the attempt's id, and the lease keeps the two from sending twice.
    await this.queues.addSends([{ id, tenantId, attempts: message.attempts, jobId: `${id}.retry.${now.getTime()}` }]);
    message.status = 'queued';
    return message;
  }

  private async find(tenantId: string, id: string): Promise<MessageEntity> {
    const message = await this.messages.findOneBy({ tenantId, id });
    if (!message) throw notFound('Message');
    return message;
  }

  async list(tenantId: string, query: MessageQuery): Promise<{ messages: MessageEntity[]; total: number }> {
    const builder = this.messages.createQueryBuilder('message').where('message.tenantId = :tenantId', { tenantId });
    if (query.status) builder.andWhere('message.status = :status', { status: query.status });
    if (query.fromEmail) builder.andWhere('LOWER(message.fromEmail) = :fromEmail', { fromEmail: query.fromEmail.toLowerCase() });
    if (query.subject) builder.andWhere('LOWER(message.subject) LIKE :subject', { subject: `%${escapeLike(query.subject.toLowerCase())}%` });
    if (query.batchId) builder.andWhere('message.batchId = :batchId', { batchId: query.batchId });
    if (query.templateId) builder.andWhere('message.templateId = :templateId', { templateId: query.templateId });
    if (query.startDate) builder.andWhere('message.createdAt >= :startDate', { startDate: query.startDate });
    if (query.endDate) builder.andWhere('message.createdAt < :endDate', { endDate: query.endDate });
    if (query.category) {
      // Categories are stored as a JSON array of strings, so an exact element is a quoted string.
      builder.andWhere('message.categories LIKE :category', { category: `%${escapeLike(JSON.stringify(query.category))}%` });
    }
    if (query.toEmail) {
      builder.andWhere(
        new Brackets((where) =>
          where.where(
            `EXISTS (SELECT 1 FROM ${this.recipientTable()} recipient WHERE recipient.message_id = message.id AND recipient.tenant_id = :tenantId AND recipient.email = :toEmail)`,
            { toEmail: query.toEmail?.toLowerCase() },
          ),
        ),
      );
    }

    const [messages, total] = await builder
      .orderBy('message.createdAt', 'DESC')
      .addOrderBy('message.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { messages, total };
  }

  async get(tenantId: string, id: string): Promise<{ message: MessageEntity; events: EventEntity[] }> {
    const message = await this.find(tenantId, id);
    const events = await this.events.find({ where: { tenantId, messageId: id }, order: { occurredAt: 'ASC', id: 'ASC' } });
    return { message, events };
  }

  private recipientTable(): string {
    return this.messages.manager.getRepository(MessageRecipientEntity).metadata.tableName;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
