import { Body, Delete, Get, HttpCode, Param, Query, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { DEFAULT_LIST_LIMIT, DeleteSuppressionsQueryDto, DeleteSuppressionsRequestDto, deletionOf, ListSuppressionsQueryDto } from './suppression-request.dto.js';
import { BounceResponseDto, SuppressionResponseDto, toBounceResponse, toSuppressionResponse } from './suppression-response.dto.js';
import { SuppressionListService } from './suppression-list.service.js';
import type { SuppressionEntity, SuppressionList } from './suppression.entity.js';

/** One list under `/v3/suppression/`. */
export interface SuppressionListRoute {
  list: SuppressionList;
  /** Key of the entries in a list response, as SendGrid names the path (`bounces`). */
  key: string;
  /** Plural noun for summaries, such as `bounces`. */
  noun: string;
  responseType: Type<SuppressionResponseDto>;
  toResponse: (entry: SuppressionEntity) => SuppressionResponseDto;
}

/**
 * Builds the routes every list under `/v3/suppression/` shares: list, get one, delete one and
 * delete several. The concrete controllers below add the path, guard and error shape, and the
 * bounce controller adds its write routes.
 */
export function SuppressionListController(route: SuppressionListRoute) {
  @ApiExtraModels(route.responseType)
  class SuppressionListRoutes {
    constructor(readonly suppressions: SuppressionListService) {}

    @Get()
    @RequirePermissions('suppressions.read')
    @ApiOperation({ summary: `List ${route.noun}, newest first` })
    @ApiOkResponse({
      schema: {
        type: 'object',
        properties: { [route.key]: { type: 'array', items: { $ref: getSchemaPath(route.responseType) } }, total: { type: 'integer', description: 'Entries that match the filters' } },
      },
    })
    async list(@CurrentPrincipal() principal: Principal, @Query() query: ListSuppressionsQueryDto): Promise<Record<string, SuppressionResponseDto[] | number>> {
      const { entries, total } = await this.suppressions.list(principal.tenantId, route.list, {
        limit: query.limit ?? DEFAULT_LIST_LIMIT,
        offset: query.offset ?? 0,
        startTime: query.start_time,
        endTime: query.end_time,
        email: query.email,
      });
      return { [route.key]: entries.map(route.toResponse), total };
    }

    @Get(':email')
    @RequirePermissions('suppressions.read')
    @ApiOperation({ summary: `Get the entry of one address among ${route.noun}, as a one-element array` })
    @ApiOkResponse({ schema: { type: 'array', items: { $ref: getSchemaPath(route.responseType) } } })
    async get(@CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<SuppressionResponseDto[]> {
      return [route.toResponse(await this.suppressions.get(principal.tenantId, route.list, email))];
    }

    @Delete()
    @HttpCode(204)
    @RequirePermissions('suppressions.write')
    @ApiOperation({ summary: `Delete every entry (?delete_all=true or {"delete_all": true}) or the listed {"emails"} among ${route.noun}` })
    @ApiNoContentResponse()
    async removeMany(@CurrentPrincipal() principal: Principal, @Query() query: DeleteSuppressionsQueryDto, @Body() body?: DeleteSuppressionsRequestDto): Promise<void> {
      const deletion = deletionOf(query, body);
      if (deletion.all) await this.suppressions.removeAll(principal.tenantId, route.list);
      else await this.suppressions.removeMany(principal.tenantId, route.list, deletion.emails);
    }

    @Delete(':email')
    @HttpCode(204)
    @RequirePermissions('suppressions.write')
    @ApiOperation({ summary: `Delete one address from ${route.noun}` })
    @ApiNoContentResponse()
    async remove(@CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<void> {
      await this.suppressions.remove(principal.tenantId, route.list, email);
    }
  }
  return SuppressionListRoutes;
}

export const BOUNCE_ROUTE: SuppressionListRoute = { list: 'bounce', key: 'bounces', noun: 'bounces', responseType: BounceResponseDto, toResponse: toBounceResponse };

@ScaiSendController('v3/suppression/spam_reports', 'Suppressions')
@AcceptsApiKeys()
export class SpamReportController extends SuppressionListController({
  list: 'spam_report',
  key: 'spam_reports',
  noun: 'spam reports',
  responseType: SuppressionResponseDto,
  toResponse: toSuppressionResponse,
}) {}

@ScaiSendController('v3/suppression/blocks', 'Suppressions')
@AcceptsApiKeys()
export class BlockController extends SuppressionListController({
  list: 'block',
  key: 'blocks',
  noun: 'blocks',
  responseType: SuppressionResponseDto,
  toResponse: toSuppressionResponse,
}) {}

@ScaiSendController('v3/suppression/invalid_emails', 'Suppressions')
@AcceptsApiKeys()
export class InvalidEmailController extends SuppressionListController({
  list: 'invalid_email',
  key: 'invalid_emails',
  noun: 'invalid emails',
  responseType: SuppressionResponseDto,
  toResponse: toSuppressionResponse,
}) {}
