import { Body, Get, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiException } from '../common/errors.js';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { TrackingSettingsResponseDto, UpdateTrackingSettingsRequestDto } from './tracking-settings.dto.js';
import { TrackingSettingsService } from './tracking-settings.service.js';

@ScaiSendController('api/admin/tenants', 'Tracking')
export class TrackingSettingsController {
  constructor(private readonly settings: TrackingSettingsService) {}

  @Get(':id/tracking')
  @RequirePermissions('admin.settings')
  @ApiParam({ name: 'id', description: 'The caller\'s own tenant id' })
  @ApiOperation({ summary: 'Get the tenant\'s tracking defaults' })
  @ApiOkResponse({ type: TrackingSettingsResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TrackingSettingsResponseDto> {
    checkOwnTenant(principal, id);
    return this.settings.get(principal.tenantId);
  }

  @Put(':id/tracking')
  @RequirePermissions('admin.settings')
  @ApiParam({ name: 'id', description: 'The caller\'s own tenant id' })
  @ApiOperation({ summary: 'Change the tenant\'s tracking defaults; fields left out keep their values' })
  @ApiOkResponse({ type: TrackingSettingsResponseDto })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateTrackingSettingsRequestDto): Promise<TrackingSettingsResponseDto> {
    checkOwnTenant(principal, id);
    return this.settings.update(principal.tenantId, body);
  }
}

/** Rejects a request for another tenant's settings with a 403, because a principal manages only its own tenant. */
function checkOwnTenant(principal: Principal, tenantId: string): void {
  if (tenantId !== principal.tenantId) {
    throw new ApiException(HttpStatus.FORBIDDEN, `The credential belongs to tenant ${principal.tenantId}; it cannot manage the settings of tenant ${tenantId}.`);
  }
}
