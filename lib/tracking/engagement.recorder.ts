import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException } from '../common/errors.js';
import { EventRecorder } from '../events/event-recorder.js';
import { MessageEntity } from '../messages/message.entity.js';
import { CLOCK } from '../module/tokens.js';
import { StatsCounter } from '../stats/stats-counter.js';
import { EngagementKind, FirstEngagementEntity } from './first-engagement.entity.js';
import { recipientAt } from './tracked-recipient.js';
import { TrackingTokenClaims, TrackingTokens } from './tracking-token.js';

/** The client that loaded a pixel or followed a link, as the HTTP request shows it. */
export interface TrackingClient {
  /** HTTP method; a HEAD request, which link checkers send, records nothing. */
  method: string;
  userAgent: string | null;
  ip: string | null;
}

const UNIQUE_METRICS = { open: 'unique_opens', click: 'unique_clicks' } as const;

/**
 * Records opens and clicks through the event recorder, so the `opens` and `clicks` counters and
 * webhooks follow, and counts `unique_opens` and `unique_clicks` once per message and recipient
 * in the same transaction.
 */
@Injectable()
export class EngagementRecorder {
  private readonly logger = new Logger(EngagementRecorder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TrackingTokens,
    private readonly recorder: EventRecorder,
    private readonly stats: StatsCounter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Records an `open` for a valid pixel token. The pixel is served whatever happens here, so an
   * invalid token records nothing and a failed write is logged instead of thrown.
   */
  async open(token: string, client: TrackingClient): Promise<void> {
    const claims = this.tokens.verify(token, 'open');
    if (!claims || client.method === 'HEAD') return;

    try {
      await this.record(claims, 'open', { user_agent: client.userAgent, ip: client.ip });
    } catch (error) {
      this.logger.error(`Message ${claims.messageId}: recording an open failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }

  /**
   * Checks a click token against `url` and records a `click`; returns the URL to redirect to.
   * Throws a 404 for an invalid token and a 400 when `url` is not the link the token was issued
   * for. A failed write is logged and the redirect still happens, so the reader reaches the link.
   */
  async click(token: string, url: unknown, client: TrackingClient): Promise<string> {
    if (typeof url !== 'string') throw new ApiException(HttpStatus.BAD_REQUEST, 'The u query parameter is missing or repeated; use the link from the email as it is.');

    const verification = this.tokens.verifyClick(token, url);
    if (!verification.valid && verification.reason === 'invalid_token') throw new ApiException(HttpStatus.NOT_FOUND, 'Link not found. Open the link from the email again; a link that was cut or changed does not work.');
    if (!verification.valid) throw new ApiException(HttpStatus.BAD_REQUEST, 'The u query parameter is not the address this link was made for; use the link from the email as it is.');
    if (client.method === 'HEAD') return url;

    try {
      await this.record(verification.claims, 'click', { url, user_agent: client.userAgent, ip: client.ip });
    } catch (error) {
      this.logger.error(`Message ${verification.claims.messageId}: recording a click failed: ${(error as Error).message}`, (error as Error).stack);
    }
    return url;
  }

  /** Records the event and the first engagement; a message that no longer exists records nothing. */
  private async record(claims: TrackingTokenClaims, kind: EngagementKind, metadata: Record<string, unknown>): Promise<void> {
    const message = await this.dataSource.getRepository(MessageEntity).findOneBy({ id: claims.messageId });
    const email = message ? recipientAt(message, claims.recipientIndex) : null;
    if (!message || !email) return;

    const { deliveries } = await this.dataSource.transaction(async (manager) => {
      const recorded = await this.recorder.recordIn(manager, { message, events: [{ type: kind, recipientEmail: email, metadata }] });
      if (await this.isFirst(manager, message, email, kind)) {
        await this.stats.increment(manager, [{ tenantId: message.tenantId, at: this.clock.now(), metric: UNIQUE_METRICS[kind], categories: message.categories }]);
      }
      return recorded;
    });
    await this.recorder.enqueueDeliveries(deliveries);
  }

  /** Stores the first engagement of its kind; returns false when one was stored before. */
  private async isFirst(manager: EntityManager, message: MessageEntity, email: string, kind: EngagementKind): Promise<boolean> {
    const table = manager.getRepository(FirstEngagementEntity).metadata.tableName;
    // ON CONFLICT DO NOTHING with RETURNING is PostgreSQL's, like the module's migrations: a
    // concurrent first open waits for this row and then inserts nothing.
    const rows: unknown[] = await manager.query(
      `INSERT INTO "${table}" ("message_id", "recipient_email", "kind", "tenant_id", "occurred_at") VALUES ($1, $2, $3, $4, $5) ` +
        'ON CONFLICT DO NOTHING RETURNING "message_id"',
      [message.id, email, kind, message.tenantId, this.clock.now()],
    );
    return rows.length > 0;
  }
}
