import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { createId } from '../common/ids.js';
import type { SecretBox } from '../common/secret-box.js';
import { EVENT_TYPES } from '../events/event-types.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK, SECRET_BOX } from '../module/tokens.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import { generateSigningSecret } from './webhook-signature.js';
import { checkWebhookUrlSyntax } from './webhook-url.js';

export interface WebhookChanges {
  url?: string;
  enabledEvents?: string[];
  enabled?: boolean;
}

/** Webhook endpoints of a tenant and their signing secrets. */
@Injectable()
export class WebhookService {
  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  /** Creates an endpoint; the returned secret is the only time it leaves the module in clear. */
  async create(tenantId: string, url: string, enabledEvents: string[]): Promise<{ endpoint: WebhookEndpointEntity; signingSecret: string }> {
    this.checkUrl(url);
    const events = this.checkEvents(enabledEvents);
    const signingSecret = generateSigningSecret();
    const now = this.clock.now();
    const endpoint = this.endpoints.create({
      id: createId('wh'),
      tenantId,
      url,
      enabledEvents: events,
      signingSecretSealed: this.secrets.seal(signingSecret),
      enabled: true,
      failureCount: 0,
      lastSuccessAt: null,
      lastFailureAt: null,
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.endpoints.insert(endpoint);
    return { endpoint, signingSecret };
  }

  async list(tenantId: string, page: number, pageSize: number, isActive?: boolean): Promise<{ endpoints: WebhookEndpointEntity[]; total: number }> {
    const [endpoints, total] = await this.endpoints.findAndCount({
      where: isActive === undefined ? { tenantId } : { tenantId, enabled: isActive },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { endpoints, total };
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.endpoints.findOneBy({ tenantId, id });
    if (!endpoint) throw notFound('Webhook');
    return endpoint;
  }

  /** Changes an endpoint; enabling it again clears its failure count and `disabled_at`. */
  async update(tenantId: string, id: string, changes: WebhookChanges): Promise<WebhookEndpointEntity> {
    const endpoint = await this.get(tenantId, id);
    if (changes.url !== undefined) {
      this.checkUrl(changes.url);
      endpoint.url = changes.url;
    }
    if (changes.enabledEvents !== undefined) endpoint.enabledEvents = this.checkEvents(changes.enabledEvents);
    if (changes.enabled !== undefined) {
      endpoint.enabled = changes.enabled;
      if (changes.enabled) {
        endpoint.failureCount = 0;
        endpoint.disabledAt = null;
      }
    }
    endpoint.updatedAt = this.clock.now();
    await this.endpoints.save(endpoint);
    return endpoint;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.get(tenantId, id);
    await this.endpoints.delete({ tenantId, id });
  }

  /** Replaces the signing secret; the old one stops working at once. */
  async rotateSecret(tenantId: string, id: string): Promise<string> {
    await this.get(tenantId, id);
    const signingSecret = generateSigningSecret();
    await this.endpoints.update({ tenantId, id }, { signingSecretSealed: this.secrets.seal(signingSecret), updatedAt: this.clock.now() });
    return signingSecret;
  }

  private checkUrl(url: string): void {
    const problem = checkWebhookUrlSyntax(url, this.options.webhookAllowPrivate);
    if (problem) throw new ApiException(HttpStatus.BAD_REQUEST, [{ loc: ['body', 'url'], msg: problem, type: 'value_error.url' }]);
  }

  private checkEvents(events: string[]): string[] {
    const unknown = events.filter((event) => event !== '*' && !(EVENT_TYPES as readonly string[]).includes(event));
    if (unknown.length > 0) {
      throw new ApiException(HttpStatus.BAD_REQUEST, [
        { loc: ['body', 'enabled_events'], msg: `Unknown event types: ${unknown.join(', ')}. Use ${EVENT_TYPES.join(', ')} or "*".`, type: 'value_error' },
      ]);
    }
    return [...new Set(events)];
  }
}
