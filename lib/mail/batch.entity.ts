import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

/** State of a batch's scheduled messages: active, paused or cancelled. */
export type BatchState = 'active' | 'pause' | 'cancel';

/** A batch id from `POST /v3/mail/batch`, which groups scheduled sends for pausing and cancelling. */
@Entity('scaisend_batches')
@Index(['tenantId', 'createdAt'])
export class BatchEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 8, default: 'active' })
  state!: BatchState;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
