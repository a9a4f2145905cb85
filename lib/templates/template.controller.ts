import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import {
  CreateTemplateRequestDto,
  CreateTemplateVersionRequestDto,
  TemplateResponse,
  TemplateVersionResponse,
  toTemplateResponse,
  toVersionResponse,
} from './template.dto.js';
import { TemplateService } from './template.service.js';

@ScaiSendController('v3/templates', 'Templates')
@AcceptsApiKeys()
export class TemplateController {
  constructor(private readonly templates: TemplateService) {}

  @Post()
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: 'Create a template' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTemplateRequestDto): Promise<TemplateResponse> {
    const template = await this.templates.create(principal.tenantId, body.name, body.generation ?? 'dynamic');
    return toTemplateResponse(template, []);
  }

  @Get()
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'List templates' })
  @ApiQuery({ name: 'generations', required: false, description: 'Comma-separated: dynamic, legacy' })
  async list(@CurrentPrincipal() principal: Principal, @Query('generations') generations?: string): Promise<{ result: TemplateResponse[] }> {
    const rows = await this.templates.list(principal.tenantId, generations?.split(',').map((value) => value.trim()).filter(Boolean));
    return { result: rows.map(({ template, versions }) => toTemplateResponse(template, versions)) };
  }

  @Get(':id')
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'Get a template with its versions' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TemplateResponse> {
    const { template, versions } = await this.templates.get(principal.tenantId, id);
    return toTemplateResponse(template, versions);
  }

  @Post(':id/versions')
  @RequirePermissions('templates.write')
  @ApiOperation({ summary: 'Add a version to a template' })
  async createVersion(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: CreateTemplateVersionRequestDto,
  ): Promise<TemplateVersionResponse> {
    return toVersionResponse(await this.templates.createVersion(principal.tenantId, id, body));
  }

  @Get(':id/versions/:versionId')
  @RequirePermissions('templates.read')
  @ApiOperation({ summary: 'Get one version of a template' })
  async getVersion(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('versionId') versionId: string): Promise<TemplateVersionResponse> {
    return toVersionResponse(await this.templates.getVersion(principal.tenantId, id, versionId));
  }
}
