import { Body, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { PERMISSIONS } from '../common/permissions.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { isoDate, isoDateOrNull } from '../common/dates.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { ApiKeyResponseDto, CreateApiKeyRequestDto, CreatedApiKeyResponseDto, toApiKeyResponse, UpdateApiKeyRequestDto } from './api-key.dto.js';
import { ApiKeyService } from './api-key.service.js';

@ScaiSendController('v3', 'API keys')
@AcceptsApiKeys()
export class ApiKeyController {
  constructor(private readonly apiKeys: ApiKeyService) {}

  @Post('api_keys')
  @RateLimited('api_key_create')
  @RequirePermissions('admin.api_keys')
  @ApiOperation({ summary: 'Create an API key; the key is shown only in this response' })
  @ApiOkResponse({ type: CreatedApiKeyResponseDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyRequestDto): Promise<CreatedApiKeyResponseDto> {
    const { entity, apiKey } = await this.apiKeys.create(principal, {
      name: body.name,
      environment: body.environment ?? 'live',
      scopes: body.scopes,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
    });
    return {
      id: entity.id,
      api_key_id: entity.id,
      name: entity.name,
      api_key: apiKey,
      prefix: entity.prefix,
      environment: entity.environment,
      scopes: entity.scopes,
      created_at: isoDate(entity.createdAt),
      expires_at: isoDateOrNull(entity.expiresAt),
    };
  }

  @Get('api_keys')
  @RequirePermissions('admin.api_keys')
  @ApiOperation({ summary: 'List API keys' })
  @ApiQuery({ name: 'include_revoked', required: false, type: Boolean })
  async list(@CurrentPrincipal() principal: Principal, @Query('include_revoked') includeRevoked?: string): Promise<{ api_keys: ApiKeyResponseDto[] }> {
    const keys = await this.apiKeys.list(principal.tenantId, includeRevoked === 'true');
    return { api_keys: keys.map(toApiKeyResponse) };
  }

  @Get('api_keys/:id')
  @RequirePermissions('admin.api_keys')
  @ApiOperation({ summary: 'Get one API key' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.apiKeys.get(principal.tenantId, id));
  }

  @Patch('api_keys/:id')
  @RequirePermissions('admin.api_keys')
  @ApiOperation({ summary: 'Rename an API key or change its scopes' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateApiKeyRequestDto): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.apiKeys.update(principal, id, body));
  }

  @Put('api_keys/:id')
  @RequirePermissions('admin.api_keys')
  @ApiOperation({ summary: "Rename an API key and change its scopes, as SendGrid's PUT does" })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  async replace(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateApiKeyRequestDto): Promise<ApiKeyResponseDto> {
    return this.update(principal, id, body);
  }

  @Delete('api_keys/:id')
  @HttpCode(204)
  @RequirePermissions('admin.api_keys')
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiNoContentResponse()
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.apiKeys.revoke(principal.tenantId, id);
  }

  @Get('scopes')
  @ApiOperation({ summary: 'List every scope' })
  scopes(): { scopes: readonly string[] } {
    return { scopes: PERMISSIONS };
  }
}
