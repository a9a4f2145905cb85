import { ApiProperty } from '@nestjs/swagger';
import { unixSeconds } from '../common/dates.js';
import type { SuppressionEntity } from './suppression.entity.js';

export class SuppressionResponseDto {
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ description: 'When the address was added (Unix seconds)', example: 1764806400 }) created!: number;
  @ApiProperty({ nullable: true, type: String, example: '550 5.1.1 User unknown' }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Enhanced status code', example: '5.1.1' }) status!: string | null;
}

export class BounceResponseDto extends SuppressionResponseDto {
  @ApiProperty({ enum: ['hard', 'soft', 'block'] }) bounce_type!: 'hard' | 'soft' | 'block';
}

export class GlobalUnsubscribeResponseDto {
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ description: 'When the address unsubscribed (Unix seconds)', example: 1764806400 }) created!: number;
}

export class RecipientEmailsResponseDto {
  @ApiProperty({ type: [String], example: ['ada@example.com'] }) recipient_emails!: string[];
}

export class CsvImportErrorDto {
  @ApiProperty({ description: '1-based row of the file, header and blank rows included', example: 3 }) row!: number;
  @ApiProperty({ example: '"ada@" is not a valid email address.' }) message!: string;
}

export class CsvImportResponseDto {
  @ApiProperty({ description: 'Addresses added', example: 2 }) imported!: number;
  @ApiProperty({ description: 'Rows whose address was on the list already or earlier in the file', example: 1 }) skipped!: number;
  @ApiProperty({ type: [CsvImportErrorDto] }) errors!: CsvImportErrorDto[];
}

export function toSuppressionResponse(entry: SuppressionEntity): SuppressionResponseDto {
  return { email: entry.email, created: unixSeconds(entry.createdAt), reason: entry.reason, status: entry.status };
}

/** Maps a bounce entry to its response; an entry without a bounce type is a hard bounce, as `dropReasons` treats it. */
export function toBounceResponse(entry: SuppressionEntity): BounceResponseDto {
  return { ...toSuppressionResponse(entry), bounce_type: entry.bounceType ?? 'hard' };
}

export function toGlobalUnsubscribeResponse(entry: SuppressionEntity): GlobalUnsubscribeResponseDto {
  return { email: entry.email, created: unixSeconds(entry.createdAt) };
}
