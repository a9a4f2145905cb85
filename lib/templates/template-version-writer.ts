import { HttpStatus } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { htmlToText } from '../common/html-to-text.js';
import { createId } from '../common/ids.js';
import { TemplateRenderError, type TemplateEngineName, type TemplateRenderer } from './template-engine.js';
import type { CreateTemplateVersionRequestDto, UpdateTemplateVersionRequestDto } from './template-request.dto.js';
import { TemplateVersionEntity } from './template-version.entity.js';
import { TemplateEntity } from './template.entity.js';

/**
 * Writes template versions. Every write that can change which version is active runs in a
 * transaction that first locks the template's row, and so does the deletion of a template. So
 * concurrent writes to one template take turns, and exactly one of its versions stays active.
 */
export class TemplateVersionWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly renderer: TemplateRenderer,
  ) {}

  /** Adds a version, which becomes the active one when `active` is 1 or when it is the template's first. */
  create(tenantId: string, templateId: string, input: CreateTemplateVersionRequestDto): Promise<TemplateVersionEntity> {
    return this.withTemplateLock(tenantId, templateId, async (manager, template) => {
      const now = this.clock.now();
      const first = !(await manager.existsBy(TemplateVersionEntity, { tenantId, templateId }));
      const html = input.html_content ?? '';
      const generatePlainContent = input.generate_plain_content ?? input.plain_content === undefined;
      const version = manager.create(TemplateVersionEntity, {
        id: createId('tv'),
        templateId,
        tenantId,
        name: input.name,
        subject: input.subject,
        preheader: input.preheader ?? '',
        htmlContent: html,
        plainContent: generatePlainContent ? htmlToText(html) : (input.plain_content ?? ''),
        generatePlainContent,
        editor: input.editor ?? 'code',
        engine: engineOf(template, input.engine),
        active: input.active === 1 || first,
        createdAt: now,
        updatedAt: now,
      });
      this.check(version);

      if (version.active) await this.deactivateAll(manager, template);
      await manager.insert(TemplateVersionEntity, version);
      await manager.update(TemplateEntity, { tenantId, id: templateId }, { updatedAt: now });
      return version;
    });
  }

  /** Changes the given fields of a version. `active: 1` activates it, and `active: 0` on the active version is a 400. */
  update(tenantId: string, templateId: string, versionId: string, input: UpdateTemplateVersionRequestDto): Promise<TemplateVersionEntity> {
    return this.withTemplateLock(tenantId, templateId, async (manager, template) => {
      const version = await findVersion(manager, tenantId, templateId, versionId);
      if (input.active === 0 && version.active) {
        throw new ApiException(HttpStatus.BAD_REQUEST, `Version ${versionId} is the active version of template ${templateId}. Activate another version instead.`);
      }

      const now = this.clock.now();
      const html = input.html_content ?? version.htmlContent;
      const generatePlainContent = input.generate_plain_content ?? (input.plain_content === undefined ? version.generatePlainContent : false);
      const changes: Partial<TemplateVersionEntity> = {
        name: input.name ?? version.name,
        subject: input.subject ?? version.subject,
        preheader: input.preheader ?? version.preheader,
        htmlContent: html,
        plainContent: generatePlainContent ? htmlToText(html) : (input.plain_content ?? version.plainContent),
        generatePlainContent,
        editor: input.editor ?? version.editor,
        engine: input.engine === undefined ? version.engine : engineOf(template, input.engine),
        updatedAt: now,
      };
      this.check({ ...version, ...changes });

      if (input.active === 1 && !version.active) {
        await this.deactivateAll(manager, template);
        changes.active = true;
      }
      await manager.update(TemplateVersionEntity, { tenantId, templateId, id: versionId }, changes);
      await manager.update(TemplateEntity, { tenantId, id: templateId }, { updatedAt: now });
      return Object.assign(version, changes);
    });
  }

  /** Makes a version the active one of its template. */
  activate(tenantId: string, templateId: string, versionId: string): Promise<TemplateVersionEntity> {
    return this.withTemplateLock(tenantId, templateId, async (manager, template) => {
      const version = await findVersion(manager, tenantId, templateId, versionId);
      if (version.active) return version;

      await this.deactivateAll(manager, template);
      await manager.update(TemplateVersionEntity, { tenantId, templateId, id: versionId }, { active: true });
      await manager.update(TemplateEntity, { tenantId, id: templateId }, { updatedAt: this.clock.now() });
      version.active = true;
      return version;
    });
  }

  /** Deletes a version. The active version can go only when it is the template's last, as in SendGrid. */
  delete(tenantId: string, templateId: string, versionId: string): Promise<void> {
    return this.withTemplateLock(tenantId, templateId, async (manager, template) => {
      const version = await findVersion(manager, tenantId, templateId, versionId);
      if (version.active && (await manager.countBy(TemplateVersionEntity, { tenantId, templateId })) > 1) {
        throw new ApiException(HttpStatus.BAD_REQUEST, `Version ${versionId} is the active version of template ${template.id}. Activate another version before deleting it.`);
      }

      await manager.delete(TemplateVersionEntity, { tenantId, templateId, id: versionId });
      await manager.update(TemplateEntity, { tenantId, id: templateId }, { updatedAt: this.clock.now() });
    });
  }

  /** Deletes a template with its versions. */
  deleteTemplate(tenantId: string, templateId: string): Promise<void> {
    return this.withTemplateLock(tenantId, templateId, async (manager) => {
      await manager.delete(TemplateVersionEntity, { tenantId, templateId });
      await manager.delete(TemplateEntity, { tenantId, id: templateId });
    });
  }

  private withTemplateLock<T>(tenantId: string, templateId: string, work: (manager: EntityManager, template: TemplateEntity) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const template = await manager.findOne(TemplateEntity, { where: { tenantId, id: templateId }, lock: { mode: 'pessimistic_write' } });
      if (!template) throw notFound('Template');
      return work(manager, template);
    });
  }

  private async deactivateAll(manager: EntityManager, template: TemplateEntity): Promise<void> {
    await manager.update(TemplateVersionEntity, { tenantId: template.tenantId, templateId: template.id, active: true }, { active: false });
  }

  /** Compiles every part with the version's engine, so a version that cannot render is a 400 when saved. */
  private check(version: Pick<TemplateVersionEntity, 'engine' | 'subject' | 'preheader' | 'htmlContent' | 'plainContent'>): void {
    try {
      this.renderer.check(version.engine, { subject: version.subject, preheader: version.preheader, html: version.htmlContent, text: version.plainContent });
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      throw new ApiException(HttpStatus.BAD_REQUEST, `Template version does not compile (${version.engine}): ${error.message}`);
    }
  }
}

async function findVersion(manager: EntityManager, tenantId: string, templateId: string, versionId: string): Promise<TemplateVersionEntity> {
  const version = await manager.findOneBy(TemplateVersionEntity, { tenantId, templateId, id: versionId });
  if (!version) throw notFound('Template version');
  return version;
}

/** Returns the engine of a new or changed version: legacy templates have no template language to choose. */
function engineOf(template: TemplateEntity, requested: TemplateEngineName | undefined): TemplateEngineName {
  if (template.generation !== 'legacy') return requested ?? 'handlebars';
  if (requested !== undefined) {
    throw new ApiException(HttpStatus.BAD_REQUEST, `Template ${template.id} is a legacy template: its versions use <%subject%> and <%body%> tags and take no engine.`);
  }
  return 'legacy';
}
