import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { unixSeconds } from '../common/dates.js';
import { MAX_GROUP_DESCRIPTION_LENGTH, MAX_GROUP_ID, MAX_GROUP_NAME_LENGTH, type SuppressionGroupEntity } from './suppression-group.entity.js';
import { MAX_GROUPS_PER_TENANT, type GroupUnsubscription, type GroupWithCount } from './suppression-group.service.js';

export class CreateGroupRequestDto {
  @ApiProperty({ description: 'Name shown to recipients on the unsubscribe page; unique within the tenant', example: 'Newsletters', maxLength: MAX_GROUP_NAME_LENGTH })
  @IsString()
  @Length(1, MAX_GROUP_NAME_LENGTH)
  name!: string;

  @ApiProperty({ description: 'Description shown to recipients on the unsubscribe page', example: 'Our monthly product news', maxLength: MAX_GROUP_DESCRIPTION_LENGTH })
  @IsString()
  @MaxLength(MAX_GROUP_DESCRIPTION_LENGTH)
  description!: string;

  @ApiPropertyOptional({ description: 'Makes this the default group, which clears the flag on the previous default', default: false })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export class UpdateGroupRequestDto {
  @ApiPropertyOptional({ description: 'New name; unique within the tenant', maxLength: MAX_GROUP_NAME_LENGTH })
  @IsOptional()
  @IsString()
  @Length(1, MAX_GROUP_NAME_LENGTH)
  name?: string;

  @ApiPropertyOptional({ description: 'New description', maxLength: MAX_GROUP_DESCRIPTION_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_GROUP_DESCRIPTION_LENGTH)
  description?: string;

  @ApiPropertyOptional({ description: 'true makes this the default group and clears the flag on the others' })
  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export class ListGroupsQueryDto {
  @ApiPropertyOptional({ description: 'Only these groups; repeat the parameter for several (`?id=1&id=2`)', type: [Number] })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]).map(Number))
  @IsArray()
  @ArrayMaxSize(MAX_GROUPS_PER_TENANT)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_GROUP_ID, { each: true })
  id?: number[];
}

export class CreatedGroupResponseDto {
  @ApiProperty({ example: 103 }) id!: number;
  @ApiProperty({ example: 'Newsletters' }) name!: string;
  @ApiProperty({ example: 'Our monthly product news' }) description!: string;
  @ApiProperty() is_default!: boolean;
}

export class GroupResponseDto extends CreatedGroupResponseDto {
  @ApiProperty({ description: 'Addresses that unsubscribed from the group', example: 12 }) unsubscribes!: number;
}

export function toCreatedGroupResponse(group: SuppressionGroupEntity): CreatedGroupResponseDto {
  return { id: group.id, name: group.name, description: group.description, is_default: group.isDefault };
}

export function toGroupResponse({ group, unsubscribes }: GroupWithCount): GroupResponseDto {
  return { ...toCreatedGroupResponse(group), unsubscribes };
}

export class GroupUnsubscriptionResponseDto {
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ example: 103 }) group_id!: number;
  @ApiProperty({ example: 'Newsletters' }) group_name!: string;
  @ApiProperty({ description: 'When the address unsubscribed (Unix seconds)', example: 1764806400 }) created_at!: number;
}

export class AddressGroupDto extends CreatedGroupResponseDto {
  @ApiProperty({ description: 'True when the address unsubscribed from this group' }) suppressed!: boolean;
}

export class AddressGroupsResponseDto {
  @ApiProperty({ type: [AddressGroupDto] }) suppressions!: AddressGroupDto[];
}

export function toGroupUnsubscriptionResponse(entry: GroupUnsubscription): GroupUnsubscriptionResponseDto {
  return { email: entry.email, group_id: entry.group.id, group_name: entry.group.name, created_at: unixSeconds(entry.createdAt) };
}
