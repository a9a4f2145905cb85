import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import {
  CreateTemplateRequestDto,
  CreateTemplateVersionRequestDto,
  ListTemplatesQueryDto,
  PreviewTemplateRequestDto,
  UpdateTemplateRequestDto,
  UpdateTemplateVersionRequestDto,
} from './template-request.dto.js';
import {
  TemplateListResponseDto,
  TemplatePreviewResponseDto,
  TemplateResponseDto,
  TemplateVersionListResponseDto,
  TemplateVersionResponseDto,
  toTemplateList,
  toTemplateResponse,
  toVersionResponse,
} from './template-response.dto.js';
import { TemplateService } from './template.service.js';

@ScaiSendController('v3/templates', 'Templates')
@AcceptsApiKeys()
export class TemplateController {
  constructor(private readonly templates: TemplateService) {}

  @Post()
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: 'Create a template' })
  @ApiCreatedResponse({ type: TemplateResponseDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTemplateRequestDto): Promise<TemplateResponseDto> {
    return toTemplateResponse(await this.templates.create(principal.tenantId, body.name, body.generation ?? 'dynamic'), []);
  }

  @Get()
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'List templates, most recently updated first, with their versions without content' })
  @ApiOkResponse({ type: TemplateListResponseDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListTemplatesQueryDto): Promise<TemplateListResponseDto> {
    return toTemplateList(await this.templates.list(principal.tenantId, { generations: query.generations, pageSize: query.page_size, offset: Number(query.page_token ?? 0) }));
  }

  @Get(':id')
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'Get a template with its versions' })
  @ApiOkResponse({ type: TemplateResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TemplateResponseDto> {
    const { template, versions } = await this.templates.get(principal.tenantId, id);
    return toTemplateResponse(template, versions);
  }

  @Patch(':id')
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: 'Rename a template' })
  @ApiOkResponse({ type: TemplateResponseDto })
  async rename(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateTemplateRequestDto): Promise<TemplateResponseDto> {
    const { template, versions } = await this.templates.rename(principal.tenantId, id, body.name);
    return toTemplateResponse(template, versions);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('templates.delete')
  @ApiOperation({ summary: 'Delete a template and its versions' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.templates.remove(principal.tenantId, id);
  }

  @Get(':id/versions')
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'List the versions of a template, oldest first' })
  @ApiOkResponse({ type: TemplateVersionListResponseDto })
  async listVersions(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TemplateVersionListResponseDto> {
    return { result: (await this.templates.get(principal.tenantId, id)).versions.map(toVersionResponse) };
  }

  @Post(':id/versions')
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: "Add a version to a template; a template's first version is active" })
  @ApiCreatedResponse({ type: TemplateVersionResponseDto })
  async createVersion(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: CreateTemplateVersionRequestDto): Promise<TemplateVersionResponseDto> {
    return toVersionResponse(await this.templates.createVersion(principal.tenantId, id, body));
  }

  @Get(':id/versions/:versionId')
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'Get one version of a template' })
  @ApiOkResponse({ type: TemplateVersionResponseDto })
  async getVersion(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('versionId') versionId: string): Promise<TemplateVersionResponseDto> {
    return toVersionResponse(await this.templates.getVersion(principal.tenantId, id, versionId));
  }

  @Patch(':id/versions/:versionId')
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: 'Change a version; active: 1 activates it' })
  @ApiOkResponse({ type: TemplateVersionResponseDto })
  async updateVersion(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
    @Body() body: UpdateTemplateVersionRequestDto,
  ): Promise<TemplateVersionResponseDto> {
    return toVersionResponse(await this.templates.updateVersion(principal.tenantId, id, versionId, body));
  }

  @Delete(':id/versions/:versionId')
  @HttpCode(204)
  @RequirePermissions('templates.delete')
  @ApiOperation({ summary: 'Delete a version; the active one only when it is the last' })
  @ApiNoContentResponse()
  async deleteVersion(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('versionId') versionId: string): Promise<void> {
    await this.templates.deleteVersion(principal.tenantId, id, versionId);
  }

  @Post(':id/versions/:versionId/activate')
  @HttpCode(200)
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: 'Make a version the active one of its template' })
  @ApiOkResponse({ type: TemplateVersionResponseDto })
  async activateVersion(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('versionId') versionId: string): Promise<TemplateVersionResponseDto> {
    return toVersionResponse(await this.templates.activateVersion(principal.tenantId, id, versionId));
  }

  @Post(':id/versions/:versionId/preview')
  @HttpCode(200)
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'Render a version with the given data without sending' })
  @ApiOkResponse({ type: TemplatePreviewResponseDto })
  async preview(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('versionId') versionId: string,
    @Body() body: PreviewTemplateRequestDto,
  ): Promise<TemplatePreviewResponseDto> {
    return this.templates.preview(principal.tenantId, id, versionId, body.dynamic_template_data ?? {});
  }
}
