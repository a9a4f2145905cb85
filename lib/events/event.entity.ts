import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TenantColumn, TimestampColumn } from '../common/columns.js';
import type { EventType } from './event-types.js';

/** One event on a message's timeline. */
@Entity('scaisend_events')
@Index(['messageId', 'occurredAt'])
@Index(['tenantId', 'occurredAt'])
export class EventEntity {
  /** `evt_…`; the same in every webhook attempt. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 64 })
  messageId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: EventType;

  @Column({ name: 'recipient_email', type: 'varchar', length: 320 })
  recipientEmail!: string;

  @JsonColumn()
  metadata!: Record<string, unknown>;

  @TimestampColumn({ name: 'occurred_at' })
  occurredAt!: Date;
}
