import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsDefined, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { isoDate } from '../common/dates.js';
import { PERMISSIONS } from '../common/permissions.js';
import type { ApiKeyEntity } from './api-key.entity.js';

export class CreateApiKeyRequestDto {
  @ApiProperty({ description: 'Name of the key', example: 'transactional-prod', minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  name!: string;

  @ApiPropertyOptional({ description: '`live` keys deliver; `test` keys never do', enum: ['live', 'test'], default: 'live' })
  @IsOptional()
  @IsIn(['live', 'test'])
  environment?: 'live' | 'test';

  @ApiProperty({ description: 'Permissions of the key', example: ['mail.send'], enum: PERMISSIONS, isArray: true })
  // class-validator runs these from the bottom up, and the pipe reports the first that fails.
  @IsDefined({ message: 'scopes is required: a list of permissions such as ["mail.send"]' })
  @ArrayMaxSize(PERMISSIONS.length)
  @IsString({ each: true })
  @IsArray()
  scopes!: string[];

  @ApiPropertyOptional({ description: 'When the key stops working (ISO-8601)', example: '2027-01-01T00:00:00Z' })
  @IsOptional()
  @IsDateString()
  expires_at?: string;
}

export class UpdateApiKeyRequestDto {
  @ApiPropertyOptional({ description: 'New name', minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ description: 'New permissions', enum: PERMISSIONS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(PERMISSIONS.length)
  @IsString({ each: true })
  @IsArray()
  scopes?: string[];
}

export class ApiKeyResponseDto {
  @ApiProperty({ example: 'key_0f3c…' }) id!: string;
  @ApiProperty({ description: 'The same as `id`, under the name that SendGrid uses', example: 'key_0f3c…' }) api_key_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'First 16 characters of the key', example: 'sg_live_0a1b2c3d' }) prefix!: string;
  @ApiProperty({ enum: ['live', 'test'] }) environment!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String }) last_used_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) expires_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_at!: string | null;
}

export class CreatedApiKeyResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'The same as `id`, under the name that SendGrid uses' }) api_key_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The full key, shown only in this response' }) api_key!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty() environment!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String }) expires_at!: string | null;
}

export function toApiKeyResponse(key: ApiKeyEntity): ApiKeyResponseDto {
  return {
    id: key.id,
    api_key_id: key.id,
    name: key.name,
    prefix: key.prefix,
    environment: key.environment,
    scopes: key.scopes,
    created_at: isoDate(key.createdAt),
    last_used_at: key.lastUsedAt ? isoDate(key.lastUsedAt) : null,
    expires_at: key.expiresAt ? isoDate(key.expiresAt) : null,
    revoked_at: key.revokedAt ? isoDate(key.revokedAt) : null,
  };
}
