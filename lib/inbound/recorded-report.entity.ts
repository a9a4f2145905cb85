import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns.js';

/**
 * A received bounce or complaint report whose events were recorded, keyed by the SHA-256 of its
 * bytes, so a report received twice records its events once.
 *
 * NOTE: rows are never deleted, so the table grows by one row per recorded report.
 */
@Entity('scaisend_recorded_reports')
export class RecordedReportEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 255 })
  tenantId!: string;

  /** Lowercase hex SHA-256 of the raw message, with CRLF line ends turned into LF. */
  @PrimaryColumn({ name: 'raw_sha256', type: 'varchar', length: 64 })
  rawSha256!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 64 })
  messageId!: string;

  /** Parsed kind of the report: `dsn` or `arf`. */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @TimestampColumn({ name: 'received_at' })
  receivedAt!: Date;
}
