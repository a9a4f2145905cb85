import { Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { ListMessagesQueryDto, toMessageDetail, toMessageSummary } from './message.dto.js';
import { MessageService } from './message.service.js';

/** Message reads need only a credential of the tenant, so a `mail.send`-only key can follow its own mail. */
@ScaiSendController('v3/messages', 'Messages')
@AcceptsApiKeys()
export class MessageController {
  constructor(private readonly messages: MessageService) {}

  @Get()
  @RateLimited('messages_list')
  @ApiOperation({ summary: 'List messages, newest first' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListMessagesQueryDto) {
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? 25;
    const { messages, total } = await this.messages.list(principal.tenantId, {
      status: query.status,
      toEmail: query.to_email,
      fromEmail: query.from_email,
      subject: query.subject,
      batchId: query.batch_id,
      templateId: query.template_id,
      category: query.category,
      startDate: query.start_date ? new Date(query.start_date) : undefined,
      endDate: query.end_date ? endOf(query.end_date) : undefined,
      page,
      pageSize,
    });
    return { messages: messages.map(toMessageSummary), total, page, page_size: pageSize, total_pages: Math.ceil(total / pageSize) };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermissions('mail.cancel')
  @ApiOperation({ summary: 'Cancel a queued or scheduled message; 409 once its delivery began' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return toMessageSummary(await this.messages.cancel(principal.tenantId, id));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @RequirePermissions('mail.send')
  @ApiOperation({ summary: 'Queue a failed message again for its recipients without an outcome' })
  async retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return toMessageSummary(await this.messages.retry(principal.tenantId, id));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a message with its headers, content and events' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const { message, events } = await this.messages.get(principal.tenantId, id);
    return toMessageDetail(message, events);
  }
}

/** Returns the end of a range: a bare date (`2026-12-04`) ends at the start of the next UTC day. */
function endOf(value: string): Date {
  const date = new Date(value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(date.getTime() + 86_400_000) : date;
}
