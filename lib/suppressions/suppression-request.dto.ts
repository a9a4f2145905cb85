import { HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { ApiException } from '../common/errors.js';
import { isValidEmailAddress } from '../mail/mail-send.address.js';

/** Maximum page size of a suppression list. */
export const MAX_LIST_LIMIT = 500;

/** Page size of a suppression list when `limit` is absent. */
export const DEFAULT_LIST_LIMIT = 50;

/** Maximum number of addresses that one request may add or delete. */
export const MAX_EMAILS_PER_REQUEST = 1000;

/** Maximum `start_time` and `end_time`: 9999-12-31T23:59:59Z, well inside the range of a JavaScript Date and a PostgreSQL timestamptz. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** Maximum offset (2^31 - 1); a larger number would reach the SQL `OFFSET` in exponent notation. */
const MAX_OFFSET = 2_147_483_647;

/** Checks that a value is a mailbox address that a send would accept, so every sendable address can be suppressed. */
export function IsMailboxAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMailboxAddress',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidEmailAddress(value),
        defaultMessage: () => (options?.each ? 'each value in $property must be a valid email address' : '$property must be a valid email address'),
      },
    },
    options,
  );
}

export class ListSuppressionsQueryDto {
  @ApiPropertyOptional({ description: 'Entries per page', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Entries to skip before the page', minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;

  @ApiPropertyOptional({ description: 'Only entries created at or after this time (Unix seconds)', example: 1764806400 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_UNIX_SECONDS)
  start_time?: number;

  @ApiPropertyOptional({ description: 'Only entries created at or before this time (Unix seconds)', example: 1764892800 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_UNIX_SECONDS)
  end_time?: number;

  @ApiPropertyOptional({ description: 'Only the entry of this address (case-insensitive)', example: 'ada@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

export class DeleteSuppressionsQueryDto {
  @ApiPropertyOptional({ description: '`true` deletes every entry of the list', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  delete_all?: 'true' | 'false';
}

/** SendGrid's body for deleting several entries; use `delete_all` or `emails`, not both. */
export class DeleteSuppressionsRequestDto {
  @ApiPropertyOptional({ description: '`true` deletes every entry of the list' })
  @IsOptional()
  @IsBoolean()
  delete_all?: boolean;

  @ApiPropertyOptional({ description: 'Addresses to delete; absent ones are ignored', type: [String], maxItems: MAX_EMAILS_PER_REQUEST, example: ['ada@example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EMAILS_PER_REQUEST)
  @IsString({ each: true })
  @MaxLength(320, { each: true })
  emails?: string[];
}

/** The entries that a `DELETE` on a whole list removes. */
export type SuppressionDeletion = { all: true } | { all: false; emails: string[] };

/**
 * Reads a `DELETE` on a whole list: `?delete_all=true`, `{"delete_all": true}` or
 * `{"emails": [...]}`. Anything else, or both forms at once, is a 400, so a bare `DELETE`
 * never empties a list.
 */
export function deletionOf(query: DeleteSuppressionsQueryDto, body: DeleteSuppressionsRequestDto | undefined): SuppressionDeletion {
  const deleteAll = query.delete_all === 'true' || body?.delete_all === true;
  const emails = body?.emails;

  if (deleteAll && emails !== undefined) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'Send either delete_all or emails, not both.');
  }
  if (deleteAll) return { all: true };
  if (emails !== undefined) return { all: false, emails };
  throw new ApiException(HttpStatus.BAD_REQUEST, 'Nothing to delete: add ?delete_all=true to delete every entry, or send {"emails": [...]} to delete some.');
}

export class CreateBounceRequestDto {
  @ApiProperty({ description: 'Bounced address; stored lowercase', example: 'ada@example.com' })
  @IsMailboxAddress()
  email!: string;

  @ApiPropertyOptional({
    description: 'Kind of bounce. Only hard bounces drop later sends, while soft and block bounces are only recorded',
    enum: ['hard', 'soft', 'block'],
    default: 'hard',
  })
  @IsOptional()
  @IsIn(['hard', 'soft', 'block'])
  bounce_type?: 'hard' | 'soft' | 'block';

  @ApiPropertyOptional({ description: 'Why the address bounced, such as the SMTP reply', example: '550 5.1.1 User unknown', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;

  @ApiPropertyOptional({ description: 'Enhanced status code of the bounce', example: '5.1.1' })
  @IsOptional()
  @IsString()
  @Matches(/^[245]\.\d{1,3}\.\d{1,3}$/, { message: 'status must be an enhanced status code such as 5.1.1' })
  status?: string;
}

export class RecipientEmailsRequestDto {
  @ApiProperty({ description: 'Addresses to suppress; stored lowercase', type: [String], minItems: 1, maxItems: MAX_EMAILS_PER_REQUEST, example: ['ada@example.com'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EMAILS_PER_REQUEST)
  @IsMailboxAddress({ each: true })
  recipient_emails!: string[];
}
