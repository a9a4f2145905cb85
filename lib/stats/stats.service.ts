import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, Repository } from 'typeorm';
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
