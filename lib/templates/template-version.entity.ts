import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';

/** One version of a template; exactly one version of a template is active. */
@Entity('scaisend_template_versions')
@Index(['templateId', 'active'])
export class TemplateVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'template_id', type: 'varchar', length: 64 })
  templateId!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 1000 })
  subject!: string;

  @Column({ name: 'html_content', type: 'text', default: '' })
  htmlContent!: string;

  @Column({ name: 'plain_content', type: 'text', default: '' })
  plainContent!: string;

  @Column({ type: 'varchar', length: 16, default: 'code' })
  editor!: 'code' | 'design';

  @Column({ type: 'boolean', default: false })
  active!: boolean;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
