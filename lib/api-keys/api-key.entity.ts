import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TenantColumn, TimestampColumn } from '../common/columns.js';

/** An API key; only the SHA-256 hash of the key is stored. */
@Entity('scaisend_api_keys')
@Index(['tenantId', 'createdAt'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Index({ unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ type: 'varchar', length: 8 })
  environment!: 'live' | 'test';

  @JsonColumn()
  scopes!: string[];

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt!: Date | null;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
