import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';
import type { TemplateEngineName } from './template-engine.js';

/** One version of a template. A template with versions has exactly one active version. */
@Entity('scaisend_template_versions')
@Index(['templateId', 'active'])
// The database allows at most one active version per template. The template row lock of every
// write that changes `active` keeps it exactly one.
@Index(['templateId'], { unique: true, where: 'active' })
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

  /** Preview text, inserted as hidden text at the start of the rendered HTML. */
  @Column({ type: 'varchar', length: 500, default: '' })
  preheader!: string;

  @Column({ name: 'html_content', type: 'text', default: '' })
  htmlContent!: string;

  @Column({ name: 'plain_content', type: 'text', default: '' })
  plainContent!: string;

  /** Whether `plainContent` is derived from `htmlContent` and follows it when the HTML changes. */
  @Column({ name: 'generate_plain_content', type: 'boolean', default: false })
  generatePlainContent!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'code' })
  editor!: 'code' | 'design';

  /** `handlebars` or `eta` for dynamic templates, `legacy` for the versions of legacy templates. */
  @Column({ type: 'varchar', length: 16, default: 'handlebars' })
  engine!: TemplateEngineName;

  @Column({ type: 'boolean', default: false })
  active!: boolean;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
