import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isoDate } from '../common/dates.js';
import type { TemplateVersionEntity } from './template-version.entity.js';
import type { TemplateEntity } from './template.entity.js';
import type { TemplatePage } from './template.service.js';

/** A version as lists show it, without its content. */
export class TemplateVersionSummaryDto {
  @ApiProperty({ example: 'tv_3f9a0c1d2e4b5a6978877665544332211' }) id!: string;
  @ApiProperty({ example: 'd-3f9a0c1d2e4b5a6978877665544332211' }) template_id!: string;
  @ApiProperty({ example: 'v1' }) name!: string;
  @ApiProperty({ example: 'Welcome, {{name}}' }) subject!: string;
  @ApiProperty({ enum: [0, 1], description: '1 for the version that sends use' }) active!: 0 | 1;
  @ApiProperty({ enum: ['code', 'design'] }) editor!: string;
  @ApiProperty({ enum: ['handlebars', 'eta', 'legacy'], description: 'legacy for the versions of legacy templates' }) engine!: string;
  @ApiProperty({ example: '2026-12-04T10:00:00Z' }) updated_at!: string;
}

export class TemplateVersionResponseDto extends TemplateVersionSummaryDto {
  @ApiProperty({ example: 'Your account is ready' }) preheader!: string;
  @ApiProperty({ example: '<p>Hello {{name}}</p>' }) html_content!: string;
  @ApiProperty({ example: 'Hello {{name}}' }) plain_content!: string;
  @ApiProperty({ description: 'Whether plain_content is derived from html_content' }) generate_plain_content!: boolean;
}

export class TemplateResponseDto {
  @ApiProperty({ example: 'd-3f9a0c1d2e4b5a6978877665544332211' }) id!: string;
  @ApiProperty({ example: 'welcome-email' }) name!: string;
  @ApiProperty({ enum: ['dynamic', 'legacy'] }) generation!: string;
  @ApiProperty({ example: '2026-12-04T10:00:00Z' }) updated_at!: string;
  @ApiProperty({ type: [TemplateVersionResponseDto] }) versions!: TemplateVersionResponseDto[];
}

export class TemplateSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['dynamic', 'legacy'] }) generation!: string;
  @ApiProperty() updated_at!: string;
  @ApiProperty({ type: [TemplateVersionSummaryDto] }) versions!: TemplateVersionSummaryDto[];
}

export class TemplateListMetadataDto {
  @ApiProperty({ description: 'This page', example: '/v3/templates?page_size=200' }) self!: string;
  @ApiPropertyOptional({ description: 'The previous page, when there is one' }) prev?: string;
  @ApiPropertyOptional({ description: 'The next page, when there is one', example: '/v3/templates?page_size=200&page_token=200' }) next?: string;
  @ApiProperty({ description: 'Templates matching the query, on all pages' }) count!: number;
}

export class TemplateListResponseDto {
  @ApiProperty({ type: [TemplateSummaryDto] }) result!: TemplateSummaryDto[];
  @ApiProperty({ type: TemplateListMetadataDto }) _metadata!: TemplateListMetadataDto;
}

export class TemplateVersionListResponseDto {
  @ApiProperty({ type: [TemplateVersionResponseDto] }) result!: TemplateVersionResponseDto[];
}

export class TemplatePreviewResponseDto {
  @ApiProperty({ example: 'Welcome, Ada' }) subject!: string;
  @ApiProperty({ description: 'Rendered HTML with the preheader inserted', example: '<p>Hello Ada</p>' }) html!: string;
  @ApiProperty({ example: 'Hello Ada' }) text!: string;
}

export function toVersionSummary(version: TemplateVersionEntity): TemplateVersionSummaryDto {
  return {
    id: version.id,
    template_id: version.templateId,
    name: version.name,
    subject: version.subject,
    active: version.active ? 1 : 0,
    editor: version.editor,
    engine: version.engine,
    updated_at: isoDate(version.updatedAt),
  };
}

export function toVersionResponse(version: TemplateVersionEntity): TemplateVersionResponseDto {
  return {
    ...toVersionSummary(version),
    preheader: version.preheader,
    html_content: version.htmlContent,
    plain_content: version.plainContent,
    generate_plain_content: version.generatePlainContent,
  };
}

export function toTemplateResponse(template: TemplateEntity, versions: TemplateVersionEntity[]): TemplateResponseDto {
  return { id: template.id, name: template.name, generation: template.generation, updated_at: isoDate(template.updatedAt), versions: versions.map(toVersionResponse) };
}

export function toTemplateSummary(template: TemplateEntity, versions: TemplateVersionEntity[]): TemplateSummaryDto {
  return { id: template.id, name: template.name, generation: template.generation, updated_at: isoDate(template.updatedAt), versions: versions.map(toVersionSummary) };
}

/** Builds a page of the template list with SendGrid's `_metadata` links (paths under `/v3/templates`). */
export function toTemplateList(page: TemplatePage): TemplateListResponseDto {
  const link = (offset: number): string => {
    const query = new URLSearchParams();
    if (page.generations.length) query.set('generations', page.generations.join(','));
    query.set('page_size', String(page.pageSize));
    if (offset > 0) query.set('page_token', String(offset));
    return `/v3/templates?${query.toString()}`;
  };

  const metadata: TemplateListMetadataDto = { self: link(page.offset), count: page.total };
  if (page.offset > 0) metadata.prev = link(Math.max(0, page.offset - page.pageSize));
  if (page.offset + page.pageSize < page.total) metadata.next = link(page.offset + page.pageSize);
  return { result: page.templates.map(({ template, versions }) => toTemplateSummary(template, versions)), _metadata: metadata };
}
