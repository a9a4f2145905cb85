import { Body, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiAcceptedResponse, ApiBody, ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { RateLimited } from '../rate-limits/rate-limit.decorator.js';
import { MailService, SendResponse } from './mail.service.js';

@ScaiSendController('v3/mail', 'Mail send')
@AcceptsApiKeys()
export class MailController {
  constructor(private readonly mail: MailService) {}

  @Post('send')
  @RateLimited('mail_send')
  @HttpCode(202)
  @RequirePermissions('mail.send')
  @ApiOperation({ summary: 'Send mail (SendGrid v3 body); 202 once every message is stored and queued' })
  @ApiBody({ description: 'SendGrid v3 mail send body', schema: { type: 'object' } })
  @ApiAcceptedResponse({ description: '`{message_id}` for one personalization, `{message_ids}` for several' })
  async send(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<SendResponse> {
    const sent = await this.mail.send(principal, body);
    // SendGrid replies with an empty body and the id in X-Message-Id, so clients read either.
    response.setHeader('X-Message-Id', 'message_id' in sent ? sent.message_id : sent.message_ids.join(','));
    return sent;
  }
}
