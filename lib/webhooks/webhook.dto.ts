import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isoDate, isoDateOrNull } from '../common/dates.js';
import { EVENT_TYPES } from '../events/event-types.js';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

export class CreateWebhookRequestDto {
  @ApiProperty({ description: 'HTTPS URL that receives one POST per event', example: 'https://api.example.com/webhooks/scaisend' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ description: 'Event types to send, or ["*"] for all', example: ['processed', 'delivered', 'bounce'], enum: [...EVENT_TYPES, '*'], isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length + 1)
  @IsString({ each: true })
  enabled_events!: string[];
}

export class UpdateWebhookRequestDto {
  @ApiPropertyOptional({ description: 'New URL' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ description: 'New event types', enum: [...EVENT_TYPES, '*'], isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length + 1)
  @IsString({ each: true })
  enabled_events?: string[];

  @ApiPropertyOptional({ description: 'false pauses deliveries; true re-enables an auto-disabled endpoint' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ListWebhooksQueryDto {
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ default: 20, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) page_size?: number;
  @ApiPropertyOptional() @IsOptional() @Transform(({ value }) => parseBooleanQuery(value)) @IsBoolean() is_active?: boolean;
}

/** Reads `true` and `false` in a query string as booleans and leaves other values for validation. */
function parseBooleanQuery(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

export function toWebhookResponse(endpoint: WebhookEndpointEntity) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    enabled_events: endpoint.enabledEvents,
    enabled: endpoint.enabled,
    created_at: isoDate(endpoint.createdAt),
    last_success_at: isoDateOrNull(endpoint.lastSuccessAt),
    last_failure_at: isoDateOrNull(endpoint.lastFailureAt),
    failure_count: endpoint.failureCount,
    disabled_at: isoDateOrNull(endpoint.disabledAt),
  };
}
