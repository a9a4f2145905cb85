import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker, WorkerOptions } from 'bullmq';
import type { BackendFactory, ConnectionOptions, QueueBaseOptions } from 'bullmq';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { createPostgresBackend } from './bullmq-postgres.js';
import { BulkAdder } from './bulk-adder.js';

export const SEND_QUEUE = 'scaisend-send';
export const WEBHOOK_QUEUE = 'scaisend-webhook';

/** Time after which a stalled bulk add of jobs stops holding the adds behind it. */
const ADD_TIMEOUT_MS = 15_000;

/** Builds the job id of a message's delivery attempt. Adding a job whose id exists is a no-op. */
export function sendJobId(messageId: string, attempts: number): string {
  return `${messageId}.${attempts}`;
}

export interface SendJobData {
  messageId: string;
  tenantId: string;
}

/** A delivery job as `Queue.addBulk` takes it. */
type SendJob = { name: string; data: SendJobData; opts: { jobId: string; delay: number } };

export interface WebhookJobData {
  deliveryId: string;
}

/** A webhook job as `Queue.addBulk` takes it. */
type WebhookJob = { name: string; data: WebhookJobData; opts: { jobId: string; attempts: number; backoff: { type: string } } };

/**
 * The module's own BullMQ queues and workers. They are built here, not through
 * `@nestjs/bullmq`'s registration, because that registration cannot pass BullMQ's backend factory
 * and its queue and worker classes are process-wide: a host's own Redis queues stay untouched
 * while ScaiSend's run on PostgreSQL.
 */
@Injectable()
export class ScaiSendQueues implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly send: Queue<SendJobData>;
  readonly webhook: Queue<WebhookJobData>;
  private readonly sendAdder: BulkAdder<SendJob>;
  private readonly webhookAdder: BulkAdder<WebhookJob>;
  private readonly logger = new Logger(ScaiSendQueues.name);
  private readonly workers: Worker[] = [];
  private readonly connection: ConnectionOptions;
  private readonly prefix: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly backendFactory: BackendFactory<any, any> | undefined;

  constructor(@Inject(RESOLVED_OPTIONS) options: ResolvedScaiSendOptions) {
    if ('postgres' in options.queue) {
      this.connection = options.queue.postgres as ConnectionOptions;
      this.backendFactory = createPostgresBackend;
    } else {
      this.connection = options.queue.redis;
      this.prefix = options.queue.prefix;
      this.backendFactory = undefined;
    }

    this.send = this.createQueue<SendJobData>(SEND_QUEUE);
    this.webhook = this.createQueue<WebhookJobData>(WEBHOOK_QUEUE);
    // A job that is not added in time is added later by the recovery sweep, since its row stays queued.
    this.sendAdder = new BulkAdder((jobs) => this.send.addBulk(jobs), { timeoutMs: ADD_TIMEOUT_MS });
    this.webhookAdder = new BulkAdder((jobs) => this.webhook.addBulk(jobs), { timeoutMs: ADD_TIMEOUT_MS });
  }

  /**
   * Adds one delivery job per message. The job id names the message and its attempt unless one
   * is given, so adding a job that exists changes nothing. Calls made while another add runs are
   * added together with the next one.
   */
  async addSends(messages: Array<{ id: string; tenantId: string; attempts: number; delayMs?: number; jobId?: string }>): Promise<void> {
    await this.sendAdder.add(
      messages.map((message) => ({
        name: 'send',
        data: { messageId: message.id, tenantId: message.tenantId },
        opts: { jobId: message.jobId ?? sendJobId(message.id, message.attempts), delay: Math.max(0, message.delayMs ?? 0) },
      })),
    );
  }

  /**
   * Adds one webhook job per delivery, with the delivery id as job id, `attempts` tries and the
   * custom backoff. Calls made while another add runs are added together with the next one.
   */
  async addWebhookDeliveries(deliveryIds: string[], attempts: number): Promise<void> {
    await this.webhookAdder.add(deliveryIds.map((deliveryId) => ({ name: 'deliver', data: { deliveryId }, opts: { jobId: deliveryId, attempts, backoff: { type: 'custom' } } })));
  }

  /** Starts a worker on one of the module's queues; it is closed on shutdown. */
  startWorker<T>(name: string, processor: (job: Job<T>) => Promise<unknown>, options: Omit<WorkerOptions, 'connection'>): Worker<T> {
    const workerOptions = { ...options, connection: this.connection, prefix: this.prefix } as WorkerOptions;
    const worker = this.backendFactory
      ? new Worker<T>(name, processor, workerOptions, this.backendFactory)
      : new Worker<T>(name, processor, workerOptions);
    worker.on('error', (error) => {
      // The worker reconnects by itself, as when the database restarts or shuts down with the app.
      if (isConnectionLoss(error)) this.logger.warn(`Worker of ${name} lost its connection to the queue store: ${error.message}`);
      else this.logger.error(`Worker of ${name} failed: ${error.message}`, error.stack);
    });
    worker.on('failed', (job, error) => this.logger.error(`Job ${job?.id ?? '(unknown)'} of ${name} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`));
    this.workers.push(worker as Worker);
    this.logger.log(`Worker started on queue ${name} (concurrency ${options.concurrency ?? 1})`);
    return worker;
  }

  /** Lets running jobs finish before anything they use (SMTP pools, the database) is closed. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((worker) => worker.close()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.send.close(), this.webhook.close()]);
    this.logger.log('Queues and workers closed');
  }

  private createQueue<T>(name: string): Queue<T> {
    const queueOptions = {
      connection: this.connection,
      prefix: this.prefix,
      // A job that fails for an unexpected reason (the database is briefly unreachable) is retried;
      // the delivery lease keeps a retry from sending twice.
      defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 5, backoff: { type: 'exponential', delay: 5000 } },
    } as QueueBaseOptions;
    const queue = this.backendFactory ? new Queue<T>(name, queueOptions, this.backendFactory) : new Queue<T>(name, queueOptions);
    queue.on('error', (error) => {
      if (isConnectionLoss(error)) this.logger.warn(`Queue ${name} lost its connection to the queue store: ${error.message}`);
      else this.logger.error(`Queue ${name} failed: ${error.message}`, error.stack);
    });
    return queue;
  }
}

/** PostgreSQL's codes of a server that shuts down or restarts, and socket errors of a lost connection. */
const CONNECTION_LOSS_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

function isConnectionLoss(error: Error & { code?: unknown }): boolean {
  return (typeof error.code === 'string' && CONNECTION_LOSS_CODES.has(error.code)) || /connection terminated|connection is closed/i.test(error.message);
}
