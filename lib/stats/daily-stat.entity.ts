import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One share of a counter of one tenant for one UTC day, optionally per category (`''` = all
 * mail). A counter is the sum of its shards: concurrent sends of a tenant add to different rows,
 * so they do not wait on one row lock.
 */
@Entity('scaisend_daily_stats')
export class DailyStatEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 255 })
  tenantId!: string;

  /** `YYYY-MM-DD`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  @PrimaryColumn({ type: 'varchar', length: 255, default: '' })
  category!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  metric!: string;

  @PrimaryColumn({ type: 'smallint', default: 0 })
  shard!: number;

  @Column({ type: 'integer', default: 0 })
  count!: number;
}
