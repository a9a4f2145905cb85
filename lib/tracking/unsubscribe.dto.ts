import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_GROUP_ID } from '../suppressions/suppression-group.entity.js';
import { UNSUBSCRIBE_ACTIONS, type UnsubscribeAction } from './unsubscribe.service.js';

/** A form post of the unsubscribe page. */
export class UnsubscribeFormDto {
  @ApiProperty({ description: 'What to do', enum: UNSUBSCRIBE_ACTIONS, example: 'unsubscribe_all' })
  @IsIn(UNSUBSCRIBE_ACTIONS)
  action!: UnsubscribeAction;

  @ApiPropertyOptional({ description: 'The unsubscribe group of a group action; one the email offers', example: 42 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_GROUP_ID)
  group_id?: number;
}

/** The body that RFC 8058 section 3.1 has mail clients send to the one-click URL. */
export class OneClickUnsubscribeDto {
  @ApiProperty({ name: 'List-Unsubscribe', description: 'Always One-Click', enum: ['One-Click'] })
  @IsIn(['One-Click'])
  'List-Unsubscribe'!: 'One-Click';
}
