import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { htmlToText } from '../common/html-to-text.js';
import { createId } from '../common/ids.js';
import { CLOCK } from '../module/tokens.js';
import { HandlebarsEngine, RenderedContent, TemplateRenderError } from './template-engine.js';
import { TemplateVersionEntity } from './template-version.entity.js';
import { TemplateEntity } from './template.entity.js';
import type { CreateTemplateVersionRequestDto } from './template.dto.js';

/** Thrown when a send names a template that cannot be used. */
export class TemplateUnusableError extends Error {}

/** Templates, their versions and rendering. */
@Injectable()
export class TemplateService {
  private readonly engine = new HandlebarsEngine();

  constructor(
    @InjectRepository(TemplateEntity) private readonly templates: Repository<TemplateEntity>,
    @InjectRepository(TemplateVersionEntity) private readonly versions: Repository<TemplateVersionEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(tenantId: string, name: string, generation: 'dynamic' | 'legacy'): Promise<TemplateEntity> {
    const taken = await this.templates.existsBy({ tenantId, name });
    if (taken) throw new ApiException(HttpStatus.CONFLICT, `A template named "${name}" already exists`);

    const now = this.clock.now();
    const template = this.templates.create({ id: createId('d'), tenantId, name, generation, createdAt: now, updatedAt: now });
    await this.templates.insert(template);
    return template;
  }

  async list(tenantId: string, generations?: string[]): Promise<Array<{ template: TemplateEntity; versions: TemplateVersionEntity[] }>> {
    const templates = await this.templates.find({ where: { tenantId }, order: { updatedAt: 'DESC' } });
    const filtered = generations?.length ? templates.filter((template) => generations.includes(template.generation)) : templates;
    const versions = await this.versions.find({ where: { tenantId }, order: { createdAt: 'ASC' } });
    return filtered.map((template) => ({ template, versions: versions.filter((version) => version.templateId === template.id) }));
  }

  async get(tenantId: string, id: string): Promise<{ template: TemplateEntity; versions: TemplateVersionEntity[] }> {
    const template = await this.templates.findOneBy({ tenantId, id });
    if (!template) throw notFound('Template');
    const versions = await this.versions.find({ where: { tenantId, templateId: id }, order: { createdAt: 'ASC' } });
    return { template, versions };
  }

  /** Adds a version; it becomes the active one when asked or when it is the template's first. */
  async createVersion(tenantId: string, templateId: string, input: CreateTemplateVersionRequestDto): Promise<TemplateVersionEntity> {
    const html = input.html_content ?? '';
    const text = input.plain_content ?? htmlToText(html);
    try {
      this.engine.check({ subject: input.subject, html, text });
    } catch (error) {
      throw new ApiException(HttpStatus.BAD_REQUEST, `Template version does not compile: ${(error as Error).message}`);
    }

    return this.dataSource.transaction(async (manager) => {
      // The row lock makes concurrent version writes of one template take turns, so exactly one
      // version stays active.
      const template = await manager.findOne(TemplateEntity, { where: { tenantId, id: templateId }, lock: { mode: 'pessimistic_write' } });
      if (!template) throw notFound('Template');
      const first = !(await manager.existsBy(TemplateVersionEntity, { tenantId, templateId }));

      const now = this.clock.now();
      const version = manager.create(TemplateVersionEntity, {
        id: createId('tv'),
        templateId,
        tenantId,
        name: input.name,
        subject: input.subject,
        htmlContent: html,
        plainContent: text,
        editor: input.editor ?? 'code',
        active: input.active === 1 || first,
        createdAt: now,
        updatedAt: now,
      });
      if (version.active) await manager.update(TemplateVersionEntity, { tenantId, templateId }, { active: false });
      await manager.insert(TemplateVersionEntity, version);
      await manager.update(TemplateEntity, { tenantId, id: templateId }, { updatedAt: now });
      return version;
    });
  }

  async getVersion(tenantId: string, templateId: string, versionId: string): Promise<TemplateVersionEntity> {
    const version = await this.versions.findOneBy({ tenantId, templateId, id: versionId });
    if (!version) throw notFound('Template version');
    return version;
  }

  /** Returns the active version of a template, or throws a {@link TemplateUnusableError} that explains why there is none. */
  async activeVersion(tenantId: string, templateId: string): Promise<TemplateVersionEntity> {
    const version = await this.versions.findOneBy({ tenantId, templateId, active: true });
    if (version) return version;

    const exists = await this.templates.existsBy({ tenantId, id: templateId });
    throw new TemplateUnusableError(exists ? `The template ${templateId} has no active version.` : `The template ${templateId} does not exist.`);
  }

  /** Renders a version with the given data; throws {@link TemplateRenderError}. */
  render(version: TemplateVersionEntity, data: Record<string, unknown>): RenderedContent {
    return this.engine.render(
      {
        cacheKey: `${version.id}:${version.updatedAt.getTime()}`,
        subject: version.subject,
        html: version.htmlContent,
        text: version.plainContent,
      },
      data,
    );
  }
}

export { TemplateRenderError };
