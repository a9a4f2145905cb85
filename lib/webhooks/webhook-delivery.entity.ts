import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TenantColumn, TimestampColumn } from '../common/columns.js';

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One attempt to POST an event, recorded whatever its outcome. */
export interface WebhookAttempt {
  attempt: number;
  timestamp: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One event to one endpoint; written with the event, so it is the outbox of webhook jobs. */
@Entity('scaisend_webhook_deliveries')
@Index(['status', 'nextAttemptAt'])
@Index(['endpointId', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 64 })
  endpointId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: WebhookDeliveryStatus;

  @JsonColumn()
  attempts!: WebhookAttempt[];

  @TimestampColumn({ name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
