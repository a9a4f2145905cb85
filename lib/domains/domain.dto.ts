import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsFQDN, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { isoDate } from '../common/dates.js';
import type { DnsRecord } from './dns-records.js';
import type { VerificationError } from './domain-verifier.js';
import type { SenderDomainEntity } from './sender-domain.entity.js';

export class CreateDomainRequestDto {
  @ApiProperty({ description: 'The domain mail is sent from', example: 'mail.example.com' })
  @IsString()
  @MaxLength(253)
  @IsFQDN({ require_tld: true, allow_trailing_dot: true })
  domain!: string;

  @ApiPropertyOptional({ description: 'DMARC policy to publish', enum: ['none', 'quarantine', 'reject'], default: 'none' })
  @IsOptional()
  @IsIn(['none', 'quarantine', 'reject'])
  dmarc_policy?: 'none' | 'quarantine' | 'reject';

  @ApiPropertyOptional({ description: 'Address for DMARC aggregate reports (rua)', example: 'dmarc@example.com' })
  @IsOptional()
  @IsEmail()
  dmarc_rua_email?: string;
}

export interface DnsRecordResponse extends DnsRecord {
  valid: boolean | null;
}

export interface DomainResponse {
  id: string;
  domain: string;
  verified: boolean;
  dmarc_policy: string;
  dmarc_rua_email: string | null;
  dns_records: DnsRecordResponse[];
  created_at: string;
  last_checked_at: string | null;
}

export interface VerifyDomainResponse {
  verified: boolean;
  errors: VerificationError[];
  dns_records: DnsRecordResponse[];
}

export function toDomainResponse(domain: SenderDomainEntity, records: DnsRecord[]): DomainResponse {
  return {
    id: domain.id,
    domain: domain.domain,
    verified: domain.verified,
    dmarc_policy: domain.dmarcPolicy,
    dmarc_rua_email: domain.dmarcRuaEmail,
    dns_records: records.map((record) => ({ ...record, valid: domain.recordStatus[record.purpose] ?? (domain.lastCheckedAt ? false : null) })),
    created_at: isoDate(domain.createdAt),
    last_checked_at: domain.lastCheckedAt ? isoDate(domain.lastCheckedAt) : null,
  };
}
