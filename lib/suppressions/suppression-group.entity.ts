import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

/** Maximum length of a group name in characters, as in SendGrid. */
export const MAX_GROUP_NAME_LENGTH = 30;

/** Maximum length of a group description in characters, as in SendGrid. */
export const MAX_GROUP_DESCRIPTION_LENGTH = 100;

/** Largest group id: ids are PostgreSQL `integer` (32-bit signed). */
export const MAX_GROUP_ID = 2_147_483_647;

/**
 * An unsubscribe group (SendGrid's ASM group): a kind of mail that recipients can opt out of
 * without unsubscribing from everything. The partial unique index allows one default group
 * per tenant.
 */
@Entity('scaisend_suppression_groups')
@Index(['tenantId', 'name'], { unique: true })
@Index(['tenantId'], { unique: true, where: 'is_default' })
export class SuppressionGroupEntity {
  /** Integer id, as SendGrid's `asm.group_id` of a send expects. */
  @PrimaryGeneratedColumn()
  id!: number;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: MAX_GROUP_NAME_LENGTH })
  name!: string;

  @Column({ type: 'varchar', length: MAX_GROUP_DESCRIPTION_LENGTH })
  description!: string;

  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
