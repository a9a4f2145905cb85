import { Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns.js';

/** A tenant, created the first time a principal of the host names it. */
@Entity('scaisend_tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;
}
