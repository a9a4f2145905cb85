import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

export type SuppressionList = 'bounce' | 'spam_report' | 'unsubscribe' | 'block' | 'invalid_email';

/** One address on one of a tenant's suppression lists. */
@Entity('scaisend_suppressions')
@Index(['tenantId', 'list', 'email'], { unique: true })
@Index(['tenantId', 'email'])
@Index(['tenantId', 'list', 'createdAt'])
export class SuppressionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 16 })
  list!: SuppressionList;

  /** Lowercase address. */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'bounce_type', type: 'varchar', length: 8, nullable: true })
  bounceType!: 'hard' | 'soft' | 'block' | null;

  /** Enhanced status code, such as `5.1.1`. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  status!: string | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;
}
