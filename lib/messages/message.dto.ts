import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isoDateOrNull, isoDate, unixSeconds } from '../common/dates.js';
import type { EventEntity } from '../events/event.entity.js';
import { MESSAGE_STATUSES } from './message-status.js';
import type { MessageEntity } from './message.entity.js';

export class ListMessagesQueryDto {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES }) @IsOptional() @IsIn(MESSAGE_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'A recipient (to, cc or bcc)' }) @IsOptional() @IsEmail({ allow_utf8_local_part: true }) to_email?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail({ allow_utf8_local_part: true }) from_email?: string;
  @ApiPropertyOptional({ description: 'Substring of the subject, case-insensitive' }) @IsOptional() @IsString() @MaxLength(1000) subject?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) batch_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) template_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) category?: string;
  @ApiPropertyOptional({ description: 'ISO-8601 date or time; messages created at or after it' }) @IsOptional() @IsDateString() start_date?: string;
  @ApiPropertyOptional({ description: 'ISO-8601 date or time; messages created before it (a date includes its whole day)' }) @IsOptional() @IsDateString() end_date?: string;
  @ApiPropertyOptional({ default: 1, minimum: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) page_size?: number;
}

export function toMessageSummary(message: MessageEntity) {
  return {
    id: message.id,
    status: message.status,
    from_email: message.fromEmail,
    from_name: message.fromName,
    subject: message.subject,
    to_emails: message.to.map((address) => address.email),
    template_id: message.templateId,
    batch_id: message.batchId,
    categories: message.categories,
    created_at: isoDate(message.createdAt),
    delivered_at: isoDateOrNull(message.deliveredAt),
  };
}

export function toMessageDetail(message: MessageEntity, events: EventEntity[]) {
  return {
    ...toMessageSummary(message),
    cc_emails: message.cc.map((address) => address.email),
    headers: message.outgoingHeaders,
    content: { subject: message.content.subject, html: message.content.html, text: message.content.text },
    mime: message.mime,
    tracking_settings: message.trackingSettings,
    custom_args: message.customArgs,
    send_at: isoDateOrNull(message.sendAt),
    attempts: message.attempts - message.heldAttempts,
    error_message: message.errorMessage,
    events: events.map((event) => ({
      event_id: event.id,
      event_type: event.eventType,
      timestamp: unixSeconds(event.occurredAt),
      recipient_email: event.recipientEmail,
      metadata: event.metadata,
    })),
  };
}
