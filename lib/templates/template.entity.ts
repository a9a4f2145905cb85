import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

/** A template; its content lives in versions. */
@Entity('scaisend_templates')
@Index(['tenantId', 'name'], { unique: true })
export class TemplateEntity {
  /** `d-` followed by 32 hex digits. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  generation!: 'dynamic' | 'legacy';

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
