import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

/**
 * An address that unsubscribed from one unsubscribe group. Rows go with their group: deleting
 * a group deletes its rows in the same transaction.
 */
@Entity('scaisend_group_suppressions')
@Index(['tenantId', 'groupId', 'email'], { unique: true })
export class GroupSuppressionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @TenantColumn()
  tenantId!: string;

  @Column({ name: 'group_id', type: 'integer' })
  groupId!: number;

  /** Lowercase address. */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;
}
