import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One counter of one tenant for one UTC day, optionally per category (`''` = all mail). */
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

  @Column({ type: 'integer', default: 0 })
  count!: number;
}
