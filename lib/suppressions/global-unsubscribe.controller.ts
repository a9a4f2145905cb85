import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { DEFAULT_LIST_LIMIT, ListSuppressionsQueryDto, RecipientEmailsRequestDto } from './suppression-request.dto.js';
import { GlobalUnsubscribeResponseDto, RecipientEmailsResponseDto, toGlobalUnsubscribeResponse } from './suppression-response.dto.js';
import { SuppressionListService } from './suppression-list.service.js';

/**
 * Global unsubscribes: addresses that receive no mail from the tenant unless a send sets
 * `bypass_unsubscribe_management` or `bypass_list_management`. SendGrid lists them at
 * `/v3/suppression/unsubscribes` and manages them under `/v3/asm/suppressions/global`. Both paths
 * work here.
 */
@ScaiSendController('v3', 'Suppressions')
@AcceptsApiKeys()
export class GlobalUnsubscribeController {
  constructor(private readonly suppressions: SuppressionListService) {}

  @Get('asm/suppressions/global')
  @RequirePermissions('suppressions.read')
  @ApiOperation({ summary: 'List global unsubscribes, newest first' })
  @ApiOkResponse({ type: [GlobalUnsubscribeResponseDto] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListSuppressionsQueryDto): Promise<GlobalUnsubscribeResponseDto[]> {
    return this.listPage(principal, query);
  }

  @Get('suppression/unsubscribes')
  @RequirePermissions('suppressions.read')
  @ApiOperation({ summary: "List global unsubscribes, newest first, at SendGrid's listing path" })
  @ApiOkResponse({ type: [GlobalUnsubscribeResponseDto] })
  async listAtSendGridPath(@CurrentPrincipal() principal: Principal, @Query() query: ListSuppressionsQueryDto): Promise<GlobalUnsubscribeResponseDto[]> {
    return this.listPage(principal, query);
  }

  @Post('asm/suppressions/global')
  @RequirePermissions('suppressions.write')
  @ApiOperation({ summary: 'Unsubscribe addresses from all mail of the tenant; addresses already unsubscribed stay as they are' })
  @ApiCreatedResponse({ type: RecipientEmailsResponseDto })
  async add(@CurrentPrincipal() principal: Principal, @Body() body: RecipientEmailsRequestDto): Promise<RecipientEmailsResponseDto> {
    return { recipient_emails: await this.suppressions.addMany(principal.tenantId, 'unsubscribe', body.recipient_emails) };
  }

  @Get('asm/suppressions/global/:email')
  @RequirePermissions('suppressions.read')
  @ApiOperation({ summary: 'Check one address: {"recipient_email"} when it is unsubscribed, {} when not, as in SendGrid' })
  @ApiOkResponse({ schema: { type: 'object', properties: { recipient_email: { type: 'string' } } } })
  async get(@CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<{ recipient_email?: string }> {
    const entry = await this.suppressions.find(principal.tenantId, 'unsubscribe', email);
    return entry ? { recipient_email: entry.email } : {};
  }

  @Delete('asm/suppressions/global/:email')
  @HttpCode(204)
  @RequirePermissions('suppressions.write')
  @ApiOperation({ summary: 'Resubscribe an address; 404 when it is not unsubscribed' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<void> {
    await this.suppressions.remove(principal.tenantId, 'unsubscribe', email);
  }

  private async listPage(principal: Principal, query: ListSuppressionsQueryDto): Promise<GlobalUnsubscribeResponseDto[]> {
    const { entries } = await this.suppressions.list(principal.tenantId, 'unsubscribe', {
      limit: query.limit ?? DEFAULT_LIST_LIMIT,
      offset: query.offset ?? 0,
      startTime: query.start_time,
      endTime: query.end_time,
      email: query.email,
    });
    return entries.map(toGlobalUnsubscribeResponse);
  }
}
