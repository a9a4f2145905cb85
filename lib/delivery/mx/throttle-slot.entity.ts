import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../common/columns.js';

/** One transaction in progress to a recipient domain: a concurrency slot held until its lease ends. */
@Entity('scaisend_throttle_slots')
@Index(['domain', 'expiresAt'])
export class ThrottleSlotEntity {
  /** Slot id that the holding process chose. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 253 })
  domain!: string;

  /** End of the lease, which the holder extends while its transaction runs. */
  @TimestampColumn({ name: 'expires_at' })
  expiresAt!: Date;
}
