import { Body, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { CreateDomainRequestDto, DomainResponse, toDomainResponse, VerifyDomainResponse } from './domain.dto.js';
import { DomainService } from './domain.service.js';

@ScaiSendController('api/admin/domains', 'Sender domains')
@AcceptsApiKeys()
export class DomainController {
  constructor(private readonly domains: DomainService) {}

  @Post()
  @RequirePermissions('domains.write')
  @ApiOperation({ summary: 'Add a sender domain; returns the DNS records to publish' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateDomainRequestDto): Promise<DomainResponse> {
    const domain = await this.domains.create(principal.tenantId, {
      domain: body.domain,
      dmarcPolicy: body.dmarc_policy ?? 'none',
      dmarcRuaEmail: body.dmarc_rua_email ?? null,
    });
    return toDomainResponse(domain, this.domains.records(domain));
  }

  @Get()
  @RequirePermissions('domains.read')
  @ApiOperation({ summary: 'List sender domains' })
  async list(@CurrentPrincipal() principal: Principal): Promise<DomainResponse[]> {
    const domains = await this.domains.list(principal.tenantId);
    return domains.map((domain) => toDomainResponse(domain, this.domains.records(domain)));
  }

  @Get(':id')
  @RequirePermissions('domains.read')
  @ApiOperation({ summary: 'Get a sender domain with its DNS records' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DomainResponse> {
    const domain = await this.domains.get(principal.tenantId, id);
    return toDomainResponse(domain, this.domains.records(domain));
  }

  @Post(':id/verify')
  @HttpCode(200)
  @RequirePermissions('domains.write')
  @ApiOperation({ summary: 'Look the DNS records up and mark the domain verified when all pass' })
  async verify(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<VerifyDomainResponse> {
    const { domain, errors } = await this.domains.verify(principal.tenantId, id);
    return { verified: domain.verified, errors, dns_records: toDomainResponse(domain, this.domains.records(domain)).dns_records };
  }

  @Post(':id/rotate_dkim')
  @HttpCode(200)
  @RequirePermissions('domains.write')
  @ApiOperation({ summary: 'Publish a new DKIM key under the other selector; signing switches once it verifies' })
  async rotateDkim(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DomainResponse> {
    const domain = await this.domains.rotateDkim(principal.tenantId, id);
    return toDomainResponse(domain, this.domains.records(domain));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('domains.write')
  @ApiOperation({ summary: 'Delete a sender domain' })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.domains.delete(principal.tenantId, id);
  }
}
