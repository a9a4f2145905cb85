import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { DYNAMIC_TEMPLATE_ENGINES, type DynamicTemplateEngine } from './template-engine.js';
import { TEMPLATE_GENERATIONS, type TemplateGeneration } from './template.entity.js';

/** Largest page of `GET /v3/templates`, as in SendGrid. */
export const MAX_TEMPLATE_PAGE_SIZE = 200;

export class CreateTemplateRequestDto {
  @ApiProperty({ description: 'Unique name within the tenant', example: 'welcome-email', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ description: 'Template generation. Legacy templates wrap the content of a send', enum: TEMPLATE_GENERATIONS, default: 'dynamic' })
  @IsOptional()
  @IsIn(TEMPLATE_GENERATIONS)
  generation?: TemplateGeneration;
}

export class UpdateTemplateRequestDto {
  @ApiProperty({ description: 'New unique name within the tenant', example: 'welcome-email-2026', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class ListTemplatesQueryDto {
  @ApiPropertyOptional({ type: String, description: 'Comma-separated generations to list (dynamic, legacy or both), or all when absent', example: 'dynamic' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value))
  @IsArray()
  @IsIn(TEMPLATE_GENERATIONS, { each: true })
  generations?: TemplateGeneration[];

  @ApiPropertyOptional({ description: 'Templates per page', minimum: 1, maximum: MAX_TEMPLATE_PAGE_SIZE, default: MAX_TEMPLATE_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TEMPLATE_PAGE_SIZE)
  page_size?: number;

  @ApiPropertyOptional({ description: 'Page to return, from `_metadata.next` of the previous page', example: '200' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,9}$/, { message: 'page_token must be a token from _metadata' })
  page_token?: string;
}

export class CreateTemplateVersionRequestDto {
  @ApiProperty({ description: 'Name of the version', example: 'v1', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ description: 'Subject, in the syntax of the engine, without HTML escaping', example: 'Welcome, {{name}}', maxLength: 1000 })
  @IsString()
  @MaxLength(1000)
  subject!: string;

  @ApiPropertyOptional({ description: 'Preview text, inserted as hidden text at the start of the HTML, with values HTML-escaped', example: 'Your account is ready', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  preheader?: string;

  @ApiPropertyOptional({ description: 'HTML part, in the syntax of the engine, with values HTML-escaped', example: '<p>Hello {{name}}</p>' })
  @IsOptional()
  @IsString()
  html_content?: string;

  @ApiPropertyOptional({ description: 'Text part, in the syntax of the engine. Generated from the HTML when absent', example: 'Hello {{name}}' })
  @IsOptional()
  @IsString()
  plain_content?: string;

  @ApiPropertyOptional({ description: 'true derives plain_content from html_content on every change of the HTML. Defaults to true when plain_content is absent' })
  @IsOptional()
  @IsBoolean()
  generate_plain_content?: boolean;

  @ApiPropertyOptional({ description: "1 makes this the active version. A template's first version is active without it", enum: [0, 1] })
  @IsOptional()
  @IsInt()
  @IsIn([0, 1])
  active?: 0 | 1;

  @ApiPropertyOptional({ enum: ['code', 'design'], default: 'code' })
  @IsOptional()
  @IsIn(['code', 'design'])
  editor?: 'code' | 'design';

  @ApiPropertyOptional({ description: 'Template language of a dynamic template. Legacy templates take none', enum: DYNAMIC_TEMPLATE_ENGINES, default: 'handlebars' })
  @IsOptional()
  @IsIn(DYNAMIC_TEMPLATE_ENGINES)
  engine?: DynamicTemplateEngine;
}

/** Every field of a version is optional in an update. `active: 0` on the active version is rejected. */
export class UpdateTemplateVersionRequestDto extends PartialType(CreateTemplateVersionRequestDto) {}

export class PreviewTemplateRequestDto {
  @ApiPropertyOptional({ description: 'Data to render the version with, as in a personalization of a send', example: { name: 'Ada' } })
  @IsOptional()
  @IsObject()
  dynamic_template_data?: Record<string, unknown>;
}
