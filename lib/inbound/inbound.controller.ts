import { HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { InboundResultDto } from './inbound.dto.js';
import { InboundService } from './inbound.service.js';
import { readRfc822Body } from './rfc822-body.js';

/** `/api/admin/inbound`: bounces and complaints that the host received itself, posted as whole messages. */
@ScaiSendController('api/admin/inbound', 'Inbound')
@AcceptsApiKeys()
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Post()
  @HttpCode(200)
  @RequirePermissions('suppressions.write')
  @ApiOperation({ summary: "Record a bounce, delay notice or complaint (a message/rfc822 body of at most 10 MB) against the tenant's messages" })
  @ApiConsumes('message/rfc822')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: InboundResultDto })
  async process(@CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<InboundResultDto> {
    return this.inbound.process(await readRfc822Body(request), { tenantId: principal.tenantId });
  }
}
