import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { CreateWebhookRequestDto, ListWebhooksQueryDto, toWebhookResponse, UpdateWebhookRequestDto } from './webhook.dto.js';
import { WebhookService } from './webhook.service.js';

@ScaiSendController('v3/user/webhooks', 'Webhooks')
@AcceptsApiKeys()
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @RateLimited('webhook_create')
  @RequirePermissions('webhooks.write')
  @ApiOperation({ summary: 'Create a webhook endpoint; the signing secret is shown only in this response' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookRequestDto) {
    const { endpoint, signingSecret } = await this.webhooks.create(principal.tenantId, body.url, body.enabled_events);
    const { id, url, enabled_events, enabled, created_at } = toWebhookResponse(endpoint);
    return { id, url, enabled_events, signing_secret: signingSecret, enabled, created_at };
  }

  @Get()
  @RequirePermissions('webhooks.read')
  @ApiOperation({ summary: 'List webhook endpoints' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListWebhooksQueryDto) {
    const { endpoints, total } = await this.webhooks.list(principal.tenantId, query.page ?? 1, query.page_size ?? 20, query.is_active);
    return { webhooks: endpoints.map(toWebhookResponse), total };
  }

  @Get(':id')
  @RequirePermissions('webhooks.read')
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return toWebhookResponse(await this.webhooks.get(principal.tenantId, id));
  }

  @Patch(':id')
  @RequirePermissions('webhooks.write')
  @ApiOperation({ summary: 'Change the URL, the events or whether the endpoint is enabled' })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateWebhookRequestDto) {
    const endpoint = await this.webhooks.update(principal.tenantId, id, { url: body.url, enabledEvents: body.enabled_events, enabled: body.enabled });
    return toWebhookResponse(endpoint);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('webhooks.write')
  @ApiOperation({ summary: 'Delete a webhook endpoint' })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(principal.tenantId, id);
  }

  @Post(':id/signing_secret')
  @HttpCode(200)
  @RequirePermissions('webhooks.write')
  @ApiOperation({ summary: 'Replace the signing secret; the old one stops working at once' })
  async rotate(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return { signing_secret: await this.webhooks.rotateSecret(principal.tenantId, id) };
  }
}
