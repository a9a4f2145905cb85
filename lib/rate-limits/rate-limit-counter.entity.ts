import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns.js';

/**
 * Requests counted for one key in one window. `PostgresRateLimitStore` reads and writes it with
 * SQL, and the entity describes the table.
 */
@Entity('scaisend_rate_limits')
export class RateLimitCounterEntity {
  /** Route class and tenant or credential, such as `mail_send:tenant:acme`. */
  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** End of the window. Rows of ended windows are deleted every minute at most. */
  @Index()
  @TimestampColumn({ name: 'reset_at', primary: true })
  resetAt!: Date;

  @Column({ type: 'integer' })
  count!: number;
}
