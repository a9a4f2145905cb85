import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn } from '../common/columns.js';

export type RecipientKind = 'to' | 'cc' | 'bcc';

/** Where one recipient of a message stands: still to send, or its final outcome. */
export type RecipientState = 'pending' | 'delivered' | 'bounced' | 'dropped';

/** One recipient of a message. */
@Entity('scaisend_message_recipients')
@Index(['tenantId', 'email'])
export class MessageRecipientEntity {
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 64 })
  messageId!: string;

  /** Lowercase address. */
  @PrimaryColumn({ type: 'varchar', length: 320 })
  email!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 3 })
  kind!: RecipientKind;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state!: RecipientState;
}
