import { Body, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { readCsvBody } from './csv-body.js';
import { parseSuppressionCsv } from './suppression-csv.js';
import { BOUNCE_ROUTE, SuppressionListController } from './suppression-list.controller.js';
import { CreateBounceRequestDto } from './suppression-request.dto.js';
import { BounceResponseDto, CsvImportResponseDto, toBounceResponse } from './suppression-response.dto.js';

/** `/v3/suppression/bounces`: the shared list routes, plus adding one bounce and importing a CSV file. */
@ScaiSendController('v3/suppression/bounces', 'Suppressions')
@AcceptsApiKeys()
export class BounceController extends SuppressionListController(BOUNCE_ROUTE) {
  @Post()
  @RequirePermissions('suppressions.write')
  @ApiOperation({ summary: 'Add an address to the bounce list; 409 when it is there already' })
  @ApiCreatedResponse({ type: BounceResponseDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateBounceRequestDto): Promise<BounceResponseDto> {
    const entry = await this.suppressions.add(principal.tenantId, 'bounce', {
      email: body.email,
      reason: body.reason ?? null,
      bounceType: body.bounce_type ?? 'hard',
      status: body.status ?? null,
    });
    return toBounceResponse(entry);
  }

  @Post('import')
  @HttpCode(200)
  @RequirePermissions('suppressions.write')
  @ApiOperation({ summary: 'Import hard bounces from a text/csv body of email,reason rows (optional header row, at most 5 MB)' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'email,reason\nada@example.com,550 5.1.1 User unknown\n' } })
  @ApiOkResponse({ type: CsvImportResponseDto })
  async import(@CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<CsvImportResponseDto> {
    const { rows, errors } = parseSuppressionCsv(await readCsvBody(request));
    const { imported, skipped } = await this.suppressions.importRows(principal.tenantId, 'bounce', rows, 'hard');
    return { imported, skipped, errors };
  }
}
