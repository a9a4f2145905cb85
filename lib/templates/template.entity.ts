import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

export const TEMPLATE_GENERATIONS = ['dynamic', 'legacy'] as const;

export type TemplateGeneration = (typeof TEMPLATE_GENERATIONS)[number];

/** A template; its content lives in versions. */
@Entity('scaisend_templates')
@Index(['tenantId', 'name'], { unique: true })
@Index(['tenantId', 'updatedAt'])
export class TemplateEntity {
  /** `d-` followed by 32 hex digits. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  generation!: TemplateGeneration;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  /** Changes with the template's name and with every write to its versions; lists are ordered by it. */
  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
