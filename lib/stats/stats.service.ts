import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, In, Repository } from 'typeorm';
import { DailyStatEntity } from './daily-stat.entity.js';
import { STAT_METRICS, StatMetric } from './stats-metrics.js';

export type Aggregation = 'day' | 'week' | 'month';

export type Metrics = Record<StatMetric, number>;

/** Reads the daily counters of a tenant, grouped by day, ISO week or month. */
@Injectable()
export class StatsService {
  constructor(@InjectRepository(DailyStatEntity) private readonly counters: Repository<DailyStatEntity>) {}

  /** Returns one entry per period from `startDay` to `endDay` (inclusive, `YYYY-MM-DD`, UTC), zeros included. */
  async byPeriod(tenantId: string, startDay: string, endDay: string, aggregation: Aggregation): Promise<Array<{ date: string; metrics: Metrics }>> {
    const rows = await this.counters.find({ where: { tenantId, category: '', day: Between(startDay, endDay) } });
    const periods = new Map<string, Metrics>();
    for (const day of daysBetween(startDay, endDay)) {
      const key = periodStart(day, aggregation);
      if (!periods.has(key)) periods.set(key, emptyMetrics());
    }
    for (const row of rows) {
      const metrics = periods.get(periodStart(row.day, aggregation));
      if (metrics && row.metric in metrics) metrics[row.metric as StatMetric] += row.count;
    }
    return [...periods.entries()].map(([date, metrics]) => ({ date, metrics }));
  }

  /**
   * Returns one entry per period from `startDay` to `endDay` with the counters of each of
   * `categories`, in the order given, zeros included.
   */
  async byCategory(
    tenantId: string,
    startDay: string,
    endDay: string,
    aggregation: Aggregation,
    categories: string[],
  ): Promise<Array<{ date: string; stats: Array<{ name: string; metrics: Metrics }> }>> {
    const rows = await this.counters.find({ where: { tenantId, category: In(categories), day: Between(startDay, endDay) } });
    const periods = new Map<string, Map<string, Metrics>>();
    for (const day of daysBetween(startDay, endDay)) {
      const key = periodStart(day, aggregation);
      if (!periods.has(key)) periods.set(key, new Map(categories.map((category) => [category, emptyMetrics()])));
    }
    for (const row of rows) {
      const metrics = periods.get(periodStart(row.day, aggregation))?.get(row.category);
      if (metrics && row.metric in metrics) metrics[row.metric as StatMetric] += row.count;
    }
    return [...periods.entries()].map(([date, byName]) => ({ date, stats: [...byName].map(([name, metrics]) => ({ name, metrics })) }));
  }

  /** Returns the tenant's categories that have counted an event, sorted, optionally those that start with `prefix`. */
  async categories(tenantId: string, options: { prefix?: string; limit: number; offset: number }): Promise<string[]> {
    const query = this.counters
      .createQueryBuilder('stat')
      .select('DISTINCT stat.category', 'category')
      .where('stat.tenant_id = :tenantId', { tenantId })
      .andWhere("stat.category <> ''")
      .orderBy('category', 'ASC')
      .limit(options.limit)
      .offset(options.offset);
    if (options.prefix) query.andWhere('stat.category LIKE :prefix', { prefix: `${escapeLike(options.prefix)}%` });
    const rows = await query.getRawMany<{ category: string }>();
    return rows.map((row) => row.category);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export function emptyMetrics(): Metrics {
  return Object.fromEntries(STAT_METRICS.map((metric) => [metric, 0])) as Metrics;
}

function daysBetween(startDay: string, endDay: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(`${startDay}T00:00:00Z`); time <= Date.parse(`${endDay}T00:00:00Z`); time += 86_400_000) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}

function periodStart(day: string, aggregation: Aggregation): string {
  if (aggregation === 'day') return day;
  if (aggregation === 'month') return `${day.slice(0, 7)}-01`;
  const date = new Date(`${day}T00:00:00Z`);
  const mondayOffset = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - mondayOffset * 86_400_000).toISOString().slice(0, 10);
}
