import { ApiProperty } from '@nestjs/swagger';
import type { InboundResult, InboundResultRecipient } from './inbound.service.js';

export class InboundResultRecipientDto implements InboundResultRecipient {
  @ApiProperty({ description: 'Failed recipient, lowercase', example: 'ada@example.com' }) email!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Enhanced status code (RFC 3463), or null when the report gives none', example: '5.1.1' }) status!: string | null;
  @ApiProperty({ enum: ['hard', 'soft', 'block', 'complaint'], description: 'hard suppresses the address, soft and block do not, complaint is a spam report' })
  category!: 'hard' | 'soft' | 'block' | 'complaint';
  @ApiProperty({ nullable: true, type: String, description: 'Message of the tenant that the failure belongs to, or null when none matched', example: 'msg_0123456789abcdef0123456789abcdef' })
  message_id!: string | null;
}

export class InboundResultDto implements InboundResult {
  @ApiProperty({ enum: ['dsn', 'arf', 'auto_reply', 'other'], description: 'dsn for delivery status notifications, arf for feedback reports' })
  kind!: 'dsn' | 'arf' | 'auto_reply' | 'other';
  @ApiProperty({ type: [InboundResultRecipientDto], description: 'Failed recipients in report order. It is empty for success and delay notices, auto-replies and other mail.' })
  recipients!: InboundResultRecipientDto[];
}
