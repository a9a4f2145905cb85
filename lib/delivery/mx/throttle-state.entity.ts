import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../common/columns.js';

/**
 * Throttling state of one recipient domain, shared by every process that delivers directly to MX
 * hosts. `PostgresThrottleStore` reads and writes it with SQL, and the entity describes the table.
 */
@Entity('scaisend_throttle_state')
export class ThrottleStateEntity {
  /** Recipient domain, lowercase, in A-labels. */
  @PrimaryColumn({ type: 'varchar', length: 253 })
  domain!: string;

  /** Lowered concurrency, or null at the configured maximum. */
  @Column({ type: 'integer', nullable: true })
  concurrency!: number | null;

  /** Lowered rate in messages per minute, or null at the configured maximum. */
  @Column({ name: 'rate_per_minute', type: 'integer', nullable: true })
  ratePerMinute!: number | null;

  /** Successful transactions since the limits last changed. */
  @Column({ type: 'integer', default: 0 })
  successes!: number;

  @TimestampColumn({ name: 'decreased_at', nullable: true })
  decreasedAt!: Date | null;

  /** Earliest start of the next send beyond the burst allowance. */
  @TimestampColumn({ name: 'next_send_at', nullable: true })
  nextSendAt!: Date | null;

  /** Rows older than the state's time to live count as absent, and `PostgresThrottleStore` deletes them every 10 minutes at most. */
  @Index()
  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
