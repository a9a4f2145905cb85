import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { TrackingSettings } from '../mail/mail-send.types.js';
import { CLOCK } from '../module/tokens.js';
import { DEFAULT_TENANT_TRACKING, EffectiveTrackingSettings, mergeTrackingSettings, TenantTrackingDefaults } from './effective-settings.js';
import { TrackingSettingsEntity } from './tracking-settings.entity.js';

/** Reads and changes tenants' tracking defaults and merges them with a message's settings. */
@Injectable()
export class TrackingSettingsService {
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
    return this.settings.manager.transaction(async (manager) => {
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
  }

  /** Returns the tracking of one message: its `tracking_settings` over the tenant's defaults. */
  async effective(tenantId: string, request: TrackingSettings): Promise<EffectiveTrackingSettings> {
    return mergeTrackingSettings(await this.get(tenantId), request);
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
