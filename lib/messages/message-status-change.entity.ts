import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantColumn, TimestampColumn } from '../common/columns.js';
import type { MessageStatus } from './message-status.js';

/** One entry of a message's status history. */
@Entity('scaisend_message_status_changes')
@Index(['messageId', 'changedAt'])
export class MessageStatusChangeEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'message_id', type: 'varchar', length: 64 })
  messageId!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  @TimestampColumn({ name: 'changed_at' })
  changedAt!: Date;
}
