import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TenantColumn } from '../common/columns.js';

export type RecipientKind = 'to' | 'cc' | 'bcc';

/**
 * State of one recipient of a message: still to send, or its final outcome. `unknown` means
 * the SMTP session was lost after DATA began, so the server may have the message, and it is
 * never sent again.
 */
export type RecipientState = 'pending' | 'delivered' | 'bounced' | 'dropped' | 'unknown';

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
