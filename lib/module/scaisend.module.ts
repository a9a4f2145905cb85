import { Module, Provider } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createThrottleStore } from '../delivery/mx/create-throttle-store.js';
import { MemoryThrottleStore } from '../delivery/mx/memory-throttle-store.js';
import type { ThrottleStore } from '../delivery/mx/throttle-store.js';
import { ApiKeyController } from '../api-keys/api-key.controller.js';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { ScaiSendAuthGuard } from '../common/auth.guard.js';
import { SystemClock } from '../common/clock.js';
import { createDnsResolver, type DnsResolver } from '../common/dns-resolver.js';
import { ApiKeysOnlyResolver } from '../common/principal.js';
import { AesGcmSecretBox } from '../common/secret-box.js';
import { DeliveryProcessor } from '../delivery/delivery.processor.js';
import { SmtpDelivery } from '../delivery/smtp-delivery.js';
import { DeliveryOutcomeWriter } from '../delivery/delivery-outcome.writer.js';
import type { MailTransport } from '../delivery/mail-transport.js';
import { DomainController } from '../domains/domain.controller.js';
import { DomainService } from '../domains/domain.service.js';
import { EventRecorder } from '../events/event-recorder.js';
import { HealthController } from '../health/health.controller.js';
import { MailController } from '../mail/mail.controller.js';
import { BatchController, ScheduledSendController } from '../mail/batch.controller.js';
import { BatchService } from '../mail/batch.service.js';
import { MailService } from '../mail/mail.service.js';
import { MessageController } from '../messages/message.controller.js';
import { MessageService } from '../messages/message.service.js';
import { RecoverySweeper } from '../queues/recovery-sweeper.js';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';
import { createRateLimitStore } from '../rate-limits/create-rate-limit-store.js';
import type { RateLimitStore } from '../rate-limits/rate-limit-rules.js';
import { RateLimiter } from '../rate-limits/rate-limiter.js';
import { ScaiSendRateLimitGuard } from '../rate-limits/rate-limit.guard.js';
import { CategoryController } from '../stats/category.controller.js';
import { StatsController } from '../stats/stats.controller.js';
import { StatsCounter } from '../stats/stats-counter.js';
import { StatsService } from '../stats/stats.service.js';
import { BounceController } from '../suppressions/bounce.controller.js';
import { GlobalUnsubscribeController } from '../suppressions/global-unsubscribe.controller.js';
import { GroupUnsubscriptionController, SuppressionGroupController } from '../suppressions/suppression-group.controller.js';
import { SuppressionGroupService } from '../suppressions/suppression-group.service.js';
import { BlockController, InvalidEmailController, SpamReportController } from '../suppressions/suppression-list.controller.js';
import { SuppressionListService } from '../suppressions/suppression-list.service.js';
import { SuppressionService } from '../suppressions/suppression.service.js';
import { TemplateController } from '../templates/template.controller.js';
import { TemplateService } from '../templates/template.service.js';
import { TenantService } from '../tenants/tenant.service.js';
import { DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE } from '../tracking/templates/unsubscribe-page.js';
import { EngagementRecorder } from '../tracking/engagement.recorder.js';
import { TrackingController } from '../tracking/tracking.controller.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { TrackingSettingsController } from '../tracking/tracking-settings.controller.js';
import { TrackingSettingsService } from '../tracking/tracking-settings.service.js';
import { TrackingTokens } from '../tracking/tracking-token.js';
import { UnsubscribeController } from '../tracking/unsubscribe.controller.js';
import { UNSUBSCRIBE_PAGE_TEMPLATE, UnsubscribePageRenderer } from '../tracking/unsubscribe-page.renderer.js';
import { UnsubscribeService } from '../tracking/unsubscribe.service.js';
import { InboundController } from '../inbound/inbound.controller.js';
import { INBOUND_SMTP_OPTIONS } from '../inbound/inbound-options.js';
import { InboundService } from '../inbound/inbound.service.js';
import { InboundSmtpServer } from '../inbound/inbound-smtp.server.js';
import { DefaultWebhookHttpClient } from '../webhooks/webhook-sender.js';
import { WebhookController } from '../webhooks/webhook.controller.js';
import { WebhookProcessor } from '../webhooks/webhook.processor.js';
import { WebhookService } from '../webhooks/webhook.service.js';
import { SCAISEND_ENTITIES } from './entities.js';
import type { ResolvedScaiSendOptions, ScaiSendModuleOptions } from './scaisend-options.interface.js';
import { resolveScaiSendOptions } from './scaisend-options.js';
import { RESOLVED_OPTIONS, SCAISEND_MODULE_OPTIONS, ScaiSendConfigurableModule } from './scaisend.module-definition.js';
import { CLOCK, DNS_RESOLVER, MAIL_TRANSPORT, PRINCIPAL_RESOLVER, RATE_LIMIT_STORE, SECRET_BOX, THROTTLE_STORE, WEBHOOK_HTTP_CLIENT } from './tokens.js';

/** Provides an overridable token: the instance from the options, else the default. */
function fromOptions<T>(token: symbol, pick: (options: ResolvedScaiSendOptions) => T | undefined, fallback: (options: ResolvedScaiSendOptions) => T): Provider {
  return { provide: token, inject: [RESOLVED_OPTIONS], useFactory: (options: ResolvedScaiSendOptions) => pick(options) ?? fallback(options) };
}

const providers: Provider[] = [
  { provide: RESOLVED_OPTIONS, inject: [SCAISEND_MODULE_OPTIONS], useFactory: (options: ScaiSendModuleOptions) => resolveScaiSendOptions(options) },
  fromOptions(PRINCIPAL_RESOLVER, (options) => options.principalResolver, () => new ApiKeysOnlyResolver()),
  fromOptions(DNS_RESOLVER, (options) => options.dnsResolver, (options) => createDnsResolver(options.dnsServers)),
  fromOptions(CLOCK, (options) => options.clock, () => new SystemClock()),
  { provide: SECRET_BOX, inject: [RESOLVED_OPTIONS], useFactory: (options: ResolvedScaiSendOptions) => new AesGcmSecretBox(options.secretKey) },
  fromOptions(
    WEBHOOK_HTTP_CLIENT,
    (options) => options.webhookHttpClient,
    (options) => new DefaultWebhookHttpClient({ allowPrivate: options.webhookAllowPrivate, timeoutMs: options.webhookTimeoutMs }),
  ),
  ScaiSendQueues,
  ScaiSendAuthGuard,
  {
    provide: RATE_LIMIT_STORE,
    inject: [RESOLVED_OPTIONS, getDataSourceToken()],
    useFactory: (options: ResolvedScaiSendOptions, dataSource: DataSource): RateLimitStore | null => {
      if (options.rateLimits === false) return null;
      return options.rateLimitStore ?? createRateLimitStore(options.queue, dataSource);
    },
  },
  RateLimiter,
  ScaiSendRateLimitGuard,
  TenantService,
  ApiKeyService,
  DomainService,
  TemplateService,
  MailService,
  BatchService,
  MessageService,
  EventRecorder,
  StatsCounter,
  StatsService,
  SuppressionService,
  SuppressionListService,
  SuppressionGroupService,
  WebhookService,
  fromOptions(UNSUBSCRIBE_PAGE_TEMPLATE, (options) => options.unsubscribePageTemplate, () => DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE),
  TrackingTokens,
  TrackingSettingsService,
  TrackingService,
  EngagementRecorder,
  UnsubscribePageRenderer,
  UnsubscribeService,
  { provide: INBOUND_SMTP_OPTIONS, inject: [RESOLVED_OPTIONS], useFactory: (options: ResolvedScaiSendOptions) => options.inboundSmtp ?? null },
  InboundService,
  InboundSmtpServer,
  {
    provide: THROTTLE_STORE,
    inject: [RESOLVED_OPTIONS, getDataSourceToken()],
    useFactory: (options: ResolvedScaiSendOptions, dataSource: DataSource): ThrottleStore => {
      if (options.throttleStore) return options.throttleStore;
      // Relay delivery and a host's own transport never throttle, so they need no shared store.
      if (options.smtpRelayUrl || options.mailTransport) return new MemoryThrottleStore();
      return createThrottleStore(options.queue, dataSource);
    },
  },
  {
    provide: MAIL_TRANSPORT,
    inject: [RESOLVED_OPTIONS, DNS_RESOLVER, THROTTLE_STORE],
    useFactory: (options: ResolvedScaiSendOptions, resolver: DnsResolver, throttleStore: ThrottleStore): MailTransport =>
      options.mailTransport ??
      new SmtpDelivery({
        relayUrl: options.smtpRelayUrl,
        relayConnections: options.concurrency.send,
        mxPort: options.mxPort,
        resolver,
        heloName: options.heloName,
        ...options.mxDelivery,
        throttle: { ...options.mxDelivery.throttle, store: throttleStore },
      }),
  },
  DeliveryOutcomeWriter,
  DeliveryProcessor,
  WebhookProcessor,
  RecoverySweeper,
];

/**
 * The whole ScaiSend API as one module. The host owns the TypeORM DataSource (register it with
 * `autoLoadEntities: true` or list {@link SCAISEND_ENTITIES}) and passes the queue connection in
 * the options.
 *
 * @example
 * ScaiSendModule.forRoot({ queue: { redis: { host: '127.0.0.1', port: 6379 } }, secretKey })
 */
@Module({
  imports: [TypeOrmModule.forFeature(SCAISEND_ENTITIES)],
  controllers: [
    ApiKeyController, DomainController, TemplateController, MailController, BatchController, ScheduledSendController, MessageController, StatsController, CategoryController, WebhookController, HealthController,
    BounceController, SpamReportController, BlockController, InvalidEmailController, GlobalUnsubscribeController, GroupUnsubscriptionController, SuppressionGroupController,
    TrackingController, UnsubscribeController, TrackingSettingsController, InboundController,
  ],
  providers,
  exports: [MailService, EventRecorder, RESOLVED_OPTIONS],
})
export class ScaiSendModule extends ScaiSendConfigurableModule {}
