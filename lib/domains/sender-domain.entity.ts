import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TenantColumn, TimestampColumn } from '../common/columns.js';

/** A sender domain with its DKIM key and the outcome of the last DNS check. */
@Entity('scaisend_sender_domains')
@Index(['tenantId', 'domain'], { unique: true })
export class SenderDomainEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  /** Lowercase, no trailing dot. */
  @Column({ type: 'varchar', length: 253 })
  domain!: string;

  @Column({ name: 'dkim_selector', type: 'varchar', length: 63 })
  dkimSelector!: string;

  /** Base64 of the SPKI DER, as published in `p=`. */
  @Column({ name: 'dkim_public_key', type: 'text' })
  dkimPublicKey!: string;

  /** PEM private key sealed by the secret box. */
  @Column({ name: 'dkim_private_key_sealed', type: 'text' })
  dkimPrivateKeySealed!: string;

  /** Selector of the key published by a rotation and not yet verified; signing switches to it once it is. */
  @Column({ name: 'next_dkim_selector', type: 'varchar', length: 63, nullable: true })
  nextDkimSelector!: string | null;

  @Column({ name: 'next_dkim_public_key', type: 'text', nullable: true })
  nextDkimPublicKey!: string | null;

  @Column({ name: 'next_dkim_private_key_sealed', type: 'text', nullable: true })
  nextDkimPrivateKeySealed!: string | null;

  @Column({ name: 'dmarc_policy', type: 'varchar', length: 16 })
  dmarcPolicy!: 'none' | 'quarantine' | 'reject';

  @Column({ name: 'dmarc_rua_email', type: 'varchar', length: 254, nullable: true })
  dmarcRuaEmail!: string | null;

  /** The SPF mechanisms the record must authorise, fixed when the domain is created. */
  @Column({ name: 'spf_mechanisms', type: 'varchar', length: 512 })
  spfMechanisms!: string;

  @Column({ type: 'boolean', default: false })
  verified!: boolean;

  /** Result of the last check per record purpose. */
  @JsonColumn({ name: 'record_status', default: '{}' })
  recordStatus!: Record<string, boolean>;

  @TimestampColumn({ name: 'verified_at', nullable: true })
  verifiedAt!: Date | null;

  @TimestampColumn({ name: 'last_checked_at', nullable: true })
  lastCheckedAt!: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;
}
