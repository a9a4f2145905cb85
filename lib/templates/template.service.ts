import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Not, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { createId } from '../common/ids.js';
import { CLOCK } from '../module/tokens.js';
import { type LegacyContent, type RenderedContent, TemplateRenderError, TemplateRenderer } from './template-engine.js';
import { MAX_TEMPLATE_PAGE_SIZE, type CreateTemplateVersionRequestDto, type UpdateTemplateVersionRequestDto } from './template-request.dto.js';
import { TemplateVersionWriter } from './template-version-writer.js';
import { TemplateVersionEntity } from './template-version.entity.js';
import { TemplateEntity, type TemplateGeneration } from './template.entity.js';

/** Thrown when a send names a template that cannot be used. */
export class TemplateUnusableError extends Error {}

export interface TemplateWithVersions {
  template: TemplateEntity;
  versions: TemplateVersionEntity[];
}

export interface TemplatePageQuery {
  /** Generations to list, or all when empty or absent. */
  generations?: TemplateGeneration[];
  /** @default 200 */
  pageSize?: number;
  /** Templates to skip, from a page token. */
  offset?: number;
}

/** One page of templates, most recently updated first. */
export interface TemplatePage {
  templates: TemplateWithVersions[];
  /** Templates matching the query on all pages. */
  total: number;
  offset: number;
  pageSize: number;
  generations: TemplateGeneration[];
}

/** Templates, their versions and rendering. */
@Injectable()
export class TemplateService {
  private readonly renderer = new TemplateRenderer();
  private readonly writer: TemplateVersionWriter;

  constructor(
    @InjectRepository(TemplateEntity) private readonly templates: Repository<TemplateEntity>,
    @InjectRepository(TemplateVersionEntity) private readonly versions: Repository<TemplateVersionEntity>,
    @InjectDataSource() dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.writer = new TemplateVersionWriter(dataSource, clock, this.renderer);
  }

  async create(tenantId: string, name: string, generation: TemplateGeneration): Promise<TemplateEntity> {
    await this.checkNameFree(tenantId, name);

    const now = this.clock.now();
    const template = this.templates.create({ id: createId('d'), tenantId, name, generation, createdAt: now, updatedAt: now });
    await this.templates.insert(template);
    return template;
  }

  async list(tenantId: string, query: TemplatePageQuery = {}): Promise<TemplatePage> {
    const generations = query.generations ?? [];
    const pageSize = query.pageSize ?? MAX_TEMPLATE_PAGE_SIZE;
    const offset = query.offset ?? 0;
    const where = generations.length ? { tenantId, generation: In(generations) } : { tenantId };

    const [templates, total] = await this.templates.findAndCount({ where, order: { updatedAt: 'DESC', id: 'ASC' }, skip: offset, take: pageSize });
    const versions = templates.length
      ? await this.versions.find({ where: { tenantId, templateId: In(templates.map((template) => template.id)) }, order: { createdAt: 'ASC' } })
      : [];
    const rows = templates.map((template) => ({ template, versions: versions.filter((version) => version.templateId === template.id) }));
    return { templates: rows, total, offset, pageSize, generations };
  }

  async get(tenantId: string, id: string): Promise<TemplateWithVersions> {
    const template = await this.templates.findOneBy({ tenantId, id });
    if (!template) throw notFound('Template');
    const versions = await this.versions.find({ where: { tenantId, templateId: id }, order: { createdAt: 'ASC' } });
    return { template, versions };
  }

  async rename(tenantId: string, id: string, name: string): Promise<TemplateWithVersions> {
    const template = await this.templates.findOneBy({ tenantId, id });
    if (!template) throw notFound('Template');
    if (template.name !== name) await this.checkNameFree(tenantId, name, id);

    await this.templates.update({ tenantId, id }, { name, updatedAt: this.clock.now() });
    return this.get(tenantId, id);
  }

  /** Deletes a template and its versions. */
  remove(tenantId: string, id: string): Promise<void> {
    return this.writer.deleteTemplate(tenantId, id);
  }

  async getVersion(tenantId: string, templateId: string, versionId: string): Promise<TemplateVersionEntity> {
    const version = await this.versions.findOneBy({ tenantId, templateId, id: versionId });
    if (!version) throw notFound('Template version');
    return version;
  }

  /** Adds a version, which becomes the active one when `active` is 1 or when it is the template's first. */
  createVersion(tenantId: string, templateId: string, input: CreateTemplateVersionRequestDto): Promise<TemplateVersionEntity> {
    return this.writer.create(tenantId, templateId, input);
  }

  updateVersion(tenantId: string, templateId: string, versionId: string, input: UpdateTemplateVersionRequestDto): Promise<TemplateVersionEntity> {
    return this.writer.update(tenantId, templateId, versionId, input);
  }

  activateVersion(tenantId: string, templateId: string, versionId: string): Promise<TemplateVersionEntity> {
    return this.writer.activate(tenantId, templateId, versionId);
  }

  deleteVersion(tenantId: string, templateId: string, versionId: string): Promise<void> {
    return this.writer.delete(tenantId, templateId, versionId);
  }

  /** Renders a version with the given data without sending. A render error is a 400 naming the template and the version. */
  async preview(tenantId: string, templateId: string, versionId: string, data: Record<string, unknown>): Promise<RenderedContent> {
    const version = await this.getVersion(tenantId, templateId, versionId);
    try {
      return this.render(version, data);
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      throw new ApiException(HttpStatus.BAD_REQUEST, `The template ${templateId} version ${versionId} failed to render: ${error.message}`);
    }
  }

  /** Returns the active version of a template, or throws a {@link TemplateUnusableError} that explains why there is none. */
  async activeVersion(tenantId: string, templateId: string): Promise<TemplateVersionEntity> {
    const version = await this.versions.findOneBy({ tenantId, templateId, active: true });
    if (version) return version;

    const exists = await this.templates.existsBy({ tenantId, id: templateId });
    throw new TemplateUnusableError(exists ? `The template ${templateId} has no active version.` : `The template ${templateId} does not exist.`);
  }

  /**
   * Renders a version with the data of a personalization, and throws {@link TemplateRenderError}
   * when it fails. A legacy version wraps `legacyContent`, the subject and content of the send.
   * Without it, the `<%subject%>` and `<%body%>` tags of a legacy version become empty.
   */
  render(version: TemplateVersionEntity, data: Record<string, unknown>, legacyContent?: LegacyContent): RenderedContent {
    const source = {
      cacheKey: `${version.id}:${version.updatedAt.getTime()}`,
      subject: version.subject,
      preheader: version.preheader,
      html: version.htmlContent,
      text: version.plainContent,
    };
    return this.renderer.render(version.engine, source, data, legacyContent);
  }

  private async checkNameFree(tenantId: string, name: string, exceptId?: string): Promise<void> {
    const taken = await this.templates.existsBy(exceptId ? { tenantId, name, id: Not(exceptId) } : { tenantId, name });
    if (taken) throw new ApiException(HttpStatus.CONFLICT, `A template named "${name}" already exists`);
  }
}

export { TemplateRenderError };
