import { Get, HttpStatus, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, Matches } from 'class-validator';
import type { Clock } from '../common/clock.js';
import { ApiException } from '../common/errors.js';
import { utcDay } from '../common/dates.js';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { CLOCK } from '../module/tokens.js';
import { StatsService } from './stats.service.js';
import type { Aggregation } from './stats.service.js';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Maximum days one request may cover, so a typo cannot request centuries of zero rows. */
const MAX_RANGE_DAYS = 366 * 3;

export class StatsQueryDto {
  @ApiProperty({ description: 'First UTC day, YYYY-MM-DD', example: '2026-12-01' })
  @Matches(DAY_PATTERN, { message: 'start_date must be YYYY-MM-DD' })
  @IsDateString({ strict: true })
  start_date!: string;

  @ApiPropertyOptional({ description: 'Last UTC day, YYYY-MM-DD; default today' })
  @IsOptional()
  @Matches(DAY_PATTERN, { message: 'end_date must be YYYY-MM-DD' })
  @IsDateString({ strict: true })
  end_date?: string;

  @ApiPropertyOptional({ enum: ['day', 'week', 'month'], default: 'day' })
  @IsOptional()
  @IsIn(['day', 'week', 'month'])
  aggregated_by?: Aggregation;
}

/** Returns the last day of a stats range, checked against `start_date`; 400 when the range is backwards or too long. */
export function rangeEnd(query: StatsQueryDto, today: string): string {
  const endDay = query.end_date ?? today;
  const days = (Date.parse(endDay) - Date.parse(query.start_date)) / 86_400_000;
  if (days < 0) throw new ApiException(HttpStatus.BAD_REQUEST, 'end_date must not be before start_date');
  if (days > MAX_RANGE_DAYS) throw new ApiException(HttpStatus.BAD_REQUEST, `The range may cover at most ${MAX_RANGE_DAYS} days`);
  return endDay;
}

@ScaiSendController('v3/stats', 'Stats')
@AcceptsApiKeys()
export class StatsController {
  constructor(
    private readonly stats: StatsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @RequirePermissions('stats.read')
  @ApiOperation({ summary: 'Counters by UTC day, week or month; current to the last recorded event' })
  async get(@CurrentPrincipal() principal: Principal, @Query() query: StatsQueryDto) {
    const endDay = rangeEnd(query, utcDay(this.clock.now()));
    return { stats: await this.stats.byPeriod(principal.tenantId, query.start_date, endDay, query.aggregated_by ?? 'day') };
  }
}
