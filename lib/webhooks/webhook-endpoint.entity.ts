import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TenantColumn, TimestampColumn } from '../common/columns.js';

/** A webhook endpoint of a tenant. */
@Entity('scaisend_webhook_endpoints')
@Index(['tenantId', 'createdAt'])
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Event type names, or `["*"]` for all. */
  @JsonColumn({ name: 'enabled_events' })
  enabledEvents!: string[];

  /** Signing secret sealed by the secret box. */
  @Column({ name: 'signing_secret_sealed', type: 'text' })
  signingSecretSealed!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'failure_count', type: 'integer', default: 0 })
  failureCount!: number;

  @TimestampColumn({ name: 'last_success_at', nullable: true })
  lastSuccessAt!: Date | null;

  @TimestampColumn({ name: 'last_failure_at', nullable: true })
  lastFailureAt!: Date | null;

  @TimestampColumn({ name: 'disabled_at', nullable: true })
  disabledAt!: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
