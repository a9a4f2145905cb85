import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { TrackingSettings } from '../mail/mail-send.types.js';
import { CLOCK } from '../module/tokens.js';
import { DEFAULT_TENANT_TRACKING, EffectiveTrackingSettings, mergeTrackingSettings, TenantTrackingDefaults } from './effective-settings.js';
import { TrackingSettingsEntity } from './tracking-settings.entity.js';

/**
 * How long a tenant's tracking defaults stay cached in one process for delivery. A change through
 * this process applies at once; other processes see it within this time.
 */
const DEFAULTS_TTL_MS = 10_000;

/** Reads and changes tenants' tracking defaults and merges them with a message's settings. */
@Injectable()
export class TrackingSettingsService {
  private readonly cached = new Map<string, { defaults: TenantTrackingDefaults; expiresAt: number }>();

  constructor(
    @InjectRepository(TrackingSettingsEntity) private readonly settings: Repository<TrackingSettingsEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns the tenant's defaults, or the module's defaults when the tenant has not set any. */
  async get(tenantId: string): Promise<TenantTrackingDefaults> {
    const row = await this.settings.findOneBy({ tenantId });
    return row ? toDefaults(row) : { ...DEFAULT_TENANT_TRACKING };
  }

  /** Changes the given defaults and keeps the others; returns the defaults after the change. */
  async update(tenantId: string, changes: Partial<TenantTrackingDefaults>): Promise<TenantTrackingDefaults> {
    const updated = await this.settings.manager.transaction(async (manager) => {
      const current = await manager.findOne(TrackingSettingsEntity, { where: { tenantId }, lock: { mode: 'pessimistic_write' } });
      const next: TenantTrackingDefaults = { ...(current ? toDefaults(current) : DEFAULT_TENANT_TRACKING), ...definedOnly(changes) };

      await manager.upsert(
        TrackingSettingsEntity,
        {
          tenantId,
          openTrackingEnabled: next.open_tracking_enabled,
          clickTrackingEnabled: next.click_tracking_enabled,
          clickTrackingEnableText: next.click_tracking_enable_text,
          subscriptionTrackingEnabled: next.subscription_tracking_enabled,
          ganalyticsEnabled: next.ganalytics_enabled,
          updatedAt: this.clock.now(),
        },
        ['tenantId'],
      );
      return next;
    });
    // After the commit, so a delivery that reads meanwhile cannot cache the old defaults again.
    this.cached.delete(tenantId);
    return updated;
  }

  /**
   * Returns the tracking of one message: its `tracking_settings` over the tenant's defaults. This
   * process reads a tenant's defaults again once its cached copy is {@link DEFAULTS_TTL_MS} old.
   */
  async effective(tenantId: string, request: TrackingSettings): Promise<EffectiveTrackingSettings> {
    const now = Date.now();
    let entry = this.cached.get(tenantId);
    if (!entry || entry.expiresAt <= now) {
      entry = { defaults: await this.get(tenantId), expiresAt: now + DEFAULTS_TTL_MS };
      this.cached.set(tenantId, entry);
    }
    return mergeTrackingSettings(entry.defaults, request);
  }
}

function toDefaults(row: TrackingSettingsEntity): TenantTrackingDefaults {
  return {
    open_tracking_enabled: row.openTrackingEnabled,
    click_tracking_enabled: row.clickTrackingEnabled,
    click_tracking_enable_text: row.clickTrackingEnableText,
    subscription_tracking_enabled: row.subscriptionTrackingEnabled,
    ganalytics_enabled: row.ganalyticsEnabled,
  };
}

function definedOnly(changes: Partial<TenantTrackingDefaults>): Partial<TenantTrackingDefaults> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
