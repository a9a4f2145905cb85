import { Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { Clock } from '../common/clock.js';
import { utcDay } from '../common/dates.js';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { CLOCK } from '../module/tokens.js';
import { rangeEnd, StatsQueryDto } from './stats.controller.js';
import { StatsService, type Metrics } from './stats.service.js';

/** Most categories one stats request may name, as SendGrid allows. */
const MAX_CATEGORIES_PER_REQUEST = 10;

export class ListCategoriesQueryDto {
  @ApiPropertyOptional({ description: 'Only categories that start with this text' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  category?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class CategoryStatsQueryDto extends StatsQueryDto {
  @ApiProperty({ description: 'Categories to report, repeated: `categories=a&categories=b`', type: [String], minItems: 1, maxItems: MAX_CATEGORIES_PER_REQUEST })
  // class-validator runs these from the bottom up, and the pipe reports the first that fails.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @Length(1, 255, { each: true })
  @IsString({ each: true })
  @ArrayMaxSize(MAX_CATEGORIES_PER_REQUEST)
  @ArrayMinSize(1)
  @IsArray({ message: 'categories is required: name 1 to 10 categories, as categories=a&categories=b' })
  categories!: string[];
}

/** One period of category stats, in SendGrid's shape. */
interface CategoryStatsPeriod {
  date: string;
  stats: Array<{ type: 'category'; name: string; metrics: Metrics }>;
}

/** `/v3/categories`: the categories that messages carried, and their counters, as SendGrid serves them. */
@ScaiSendController('v3/categories', 'Stats')
@AcceptsApiKeys()
export class CategoryController {
  constructor(
    private readonly stats: StatsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @RequirePermissions('stats.read')
  @ApiOperation({ summary: 'List the categories that have counted an event, sorted' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListCategoriesQueryDto): Promise<Array<{ category: string }>> {
    const categories = await this.stats.categories(principal.tenantId, { prefix: query.category, limit: query.limit ?? 50, offset: query.offset ?? 0 });
    return categories.map((category) => ({ category }));
  }

  @Get('stats')
  @RequirePermissions('stats.read')
  @ApiOperation({ summary: 'Counters of the named categories by UTC day, week or month, in SendGrid\'s shape' })
  async byCategory(@CurrentPrincipal() principal: Principal, @Query() query: CategoryStatsQueryDto): Promise<CategoryStatsPeriod[]> {
    const endDay = rangeEnd(query, utcDay(this.clock.now()));
    const periods = await this.stats.byCategory(principal.tenantId, query.start_date, endDay, query.aggregated_by ?? 'day', [...new Set(query.categories)]);
    return periods.map(({ date, stats }) => ({ date, stats: stats.map(({ name, metrics }) => ({ type: 'category', name, metrics })) }));
  }
}
