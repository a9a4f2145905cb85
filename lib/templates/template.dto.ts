import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { isoDate } from '../common/dates.js';
import type { TemplateVersionEntity } from './template-version.entity.js';
import type { TemplateEntity } from './template.entity.js';

export class CreateTemplateRequestDto {
  @ApiProperty({ description: 'Unique name within the tenant', example: 'welcome-email', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ description: 'Template generation', enum: ['dynamic', 'legacy'], default: 'dynamic' })
  @IsOptional()
  @IsIn(['dynamic', 'legacy'])
  generation?: 'dynamic' | 'legacy';
}

export class CreateTemplateVersionRequestDto {
  @ApiProperty({ description: 'Name of the version', example: 'v1', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ description: 'Subject, in Handlebars syntax', example: 'Welcome, {{name}}', maxLength: 1000 })
  @IsString()
  @MaxLength(1000)
  subject!: string;

  @ApiPropertyOptional({ description: 'HTML part, in Handlebars syntax; values are HTML-escaped', example: '<p>Hello {{name}}</p>' })
  @IsOptional()
  @IsString()
  html_content?: string;

  @ApiPropertyOptional({ description: 'Text part, in Handlebars syntax; generated from the HTML when absent', example: 'Hello {{name}}' })
  @IsOptional()
  @IsString()
  plain_content?: string;

  @ApiPropertyOptional({ description: '1 makes this the active version; a template\'s first version is active anyway', enum: [0, 1] })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1)
  active?: number;

  @ApiPropertyOptional({ enum: ['code', 'design'], default: 'code' })
  @IsOptional()
  @IsIn(['code', 'design'])
  editor?: 'code' | 'design';
}

export interface TemplateVersionResponse {
  id: string;
  template_id: string;
  name: string;
  subject: string;
  html_content: string;
  plain_content: string;
  active: 0 | 1;
  editor: string;
  updated_at: string;
}

export interface TemplateResponse {
  id: string;
  name: string;
  generation: string;
  updated_at: string;
  versions: TemplateVersionResponse[];
}

export function toVersionResponse(version: TemplateVersionEntity): TemplateVersionResponse {
  return {
    id: version.id,
    template_id: version.templateId,
    name: version.name,
    subject: version.subject,
    html_content: version.htmlContent,
    plain_content: version.plainContent,
    active: version.active ? 1 : 0,
    editor: version.editor,
    updated_at: isoDate(version.updatedAt),
  };
}

export function toTemplateResponse(template: TemplateEntity, versions: TemplateVersionEntity[]): TemplateResponse {
  return {
    id: template.id,
    name: template.name,
    generation: template.generation,
    updated_at: isoDate(template.updatedAt),
    versions: versions.map(toVersionResponse),
  };
}
