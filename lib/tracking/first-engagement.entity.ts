import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

/** The kinds of engagement whose first occurrence per recipient counts toward a unique metric. */
export type EngagementKind = 'open' | 'click';

/**
 * The first open or click of one recipient of a message. A row exists once the `unique_opens`
 * or `unique_clicks` counter has counted that recipient, so later opens and clicks do not.
 */
@Entity('scaisend_first_engagements')
export class FirstEngagementEntity {
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 64 })
  messageId!: string;

  /** Lowercase address. */
  @PrimaryColumn({ name: 'recipient_email', type: 'varchar', length: 320 })
  recipientEmail!: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  kind!: EngagementKind;

  @TenantColumn()
  tenantId!: string;

  @TimestampColumn({ name: 'occurred_at' })
  occurredAt!: Date;
}
