import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TenantColumn, TimestampColumn } from '../common/columns.js';
import type { Asm, Attachment, EmailAddress, MailSettings, TrackingSettings } from '../mail/mail-send.types.js';
import type { MessageStatus } from './message-status.js';

/** The content of a message, rendered when the request is accepted. */
export interface MessageContent {
  subject: string | null;
  html: string | null;
  text: string | null;
  attachments: Attachment[];
}

/** One message: one personalization of a send request. */
@Entity('scaisend_messages')
@Index(['tenantId', 'createdAt'])
@Index(['tenantId', 'status'])
@Index(['tenantId', 'fromEmail'])
@Index(['tenantId', 'batchId'])
@Index(['tenantId', 'templateId'])
@Index(['status', 'nextAttemptAt'])
@Index(['status', 'leaseTakenAt'])
export class MessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @TenantColumn()
  tenantId!: string;

  @Column({ name: 'api_key_id', type: 'varchar', length: 64, nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  @Column({ type: 'boolean', default: false })
  sandbox!: boolean;

  @Column({ name: 'from_email', type: 'varchar', length: 320 })
  fromEmail!: string;

  @Column({ name: 'from_name', type: 'text', nullable: true })
  fromName!: string | null;

  /** `reply_to`, or every address of `reply_to_list`. */
  @JsonColumn({ name: 'reply_to', nullable: true })
  replyTo!: EmailAddress[];

  /** The subject the message is sent with: the rendered template subject, else the request's. */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @JsonColumn()
  to!: EmailAddress[];

  @JsonColumn()
  cc!: EmailAddress[];

  @JsonColumn()
  bcc!: EmailAddress[];

  @Column({ name: 'template_id', type: 'varchar', length: 64, nullable: true })
  templateId!: string | null;

  @JsonColumn()
  content!: MessageContent;

  /** User headers of the request, top level merged with the personalization's. */
  @JsonColumn()
  headers!: Record<string, string>;

  @JsonColumn()
  categories!: string[];

  @JsonColumn({ name: 'custom_args' })
  customArgs!: Record<string, string>;

  @Column({ name: 'batch_id', type: 'varchar', length: 255, nullable: true })
  batchId!: string | null;

  @TimestampColumn({ name: 'send_at', nullable: true })
  sendAt!: Date | null;

  /** Unsubscribe group of the send, kept for unsubscribe handling. */
  @JsonColumn({ nullable: true })
  asm!: Asm | null;

  /** Accepted and kept; ScaiSend sends from the host's addresses whatever the pool. */
  @Column({ name: 'ip_pool_name', type: 'varchar', length: 64, nullable: true })
  ipPoolName!: string | null;

  @JsonColumn({ name: 'mail_settings' })
  mailSettings!: MailSettings;

  @JsonColumn({ name: 'tracking_settings' })
  trackingSettings!: TrackingSettings;

  /** Headers of the built outgoing message, lowercase names. */
  @JsonColumn({ name: 'outgoing_headers', nullable: true })
  outgoingHeaders!: Record<string, string> | null;


  /** The whole RFC 5322 message, kept for sandbox messages only. */
  @Column({ type: 'text', nullable: true })
  mime!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  /** Delivery attempts begun so far; an attempt begins when its lease is taken. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /**
   * Attempts that the module's own throttle held back before any server was contacted. They are
   * part of `attempts` but do not advance the retry schedule.
   */
  @Column({ name: 'held_attempts', type: 'integer', default: 0 })
  heldAttempts!: number;

  /** When the current attempt's lease was taken; SMTP starts only after this is committed. */
  @TimestampColumn({ name: 'lease_taken_at', nullable: true })
  leaseTakenAt!: Date | null;

  @TimestampColumn({ name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @TimestampColumn({ name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @TimestampColumn({ name: 'created_at' })
  createdAt!: Date;

  @TimestampColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
