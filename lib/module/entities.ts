import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { SenderDomainEntity } from '../domains/sender-domain.entity.js';
import { EventEntity } from '../events/event.entity.js';
import { BatchEntity } from '../mail/batch.entity.js';
import { RecordedReportEntity } from '../inbound/recorded-report.entity.js';
import { ThrottleSlotEntity } from '../delivery/mx/throttle-slot.entity.js';
import { ThrottleStateEntity } from '../delivery/mx/throttle-state.entity.js';
import { MessageRecipientEntity } from '../messages/message-recipient.entity.js';
import { MessageStatusChangeEntity } from '../messages/message-status-change.entity.js';
import { MessageEntity } from '../messages/message.entity.js';
import { DailyStatEntity } from '../stats/daily-stat.entity.js';
import { GroupSuppressionEntity } from '../suppressions/group-suppression.entity.js';
import { SuppressionGroupEntity } from '../suppressions/suppression-group.entity.js';
import { SuppressionEntity } from '../suppressions/suppression.entity.js';
import { TemplateVersionEntity } from '../templates/template-version.entity.js';
import { TemplateEntity } from '../templates/template.entity.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { FirstEngagementEntity } from '../tracking/first-engagement.entity.js';
import { TrackingSettingsEntity } from '../tracking/tracking-settings.entity.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity.js';
import { RateLimitCounterEntity } from '../rate-limits/rate-limit-counter.entity.js';

/** Every entity of the module, for hosts whose DataSource lists entities instead of `autoLoadEntities`. */
export const SCAISEND_ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  SenderDomainEntity,
  TemplateEntity,
  TemplateVersionEntity,
  MessageEntity,
  BatchEntity,
  MessageRecipientEntity,
  MessageStatusChangeEntity,
  EventEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  SuppressionEntity,
  SuppressionGroupEntity,
  GroupSuppressionEntity,
  DailyStatEntity,
  TrackingSettingsEntity,
  FirstEngagementEntity,
  RecordedReportEntity,
  ThrottleStateEntity,
  ThrottleSlotEntity,
  RateLimitCounterEntity,
];
