import type { TrackingSettings } from '../mail/mail-send.types.js';

/** A tenant's tracking defaults, as `GET /api/admin/tenants/{id}/tracking` returns them. */
export interface TenantTrackingDefaults {
  open_tracking_enabled: boolean;
  click_tracking_enabled: boolean;
  click_tracking_enable_text: boolean;
  subscription_tracking_enabled: boolean;
  ganalytics_enabled: boolean;
}

/** Defaults of a tenant that has not changed them. */
export const DEFAULT_TENANT_TRACKING: Readonly<TenantTrackingDefaults> = {
  open_tracking_enabled: true,
  click_tracking_enabled: true,
  click_tracking_enable_text: false,
  subscription_tracking_enabled: false,
  ganalytics_enabled: false,
};

/** Google Analytics parameters, in the order they are appended to a URL. */
export const GANALYTICS_PARAMETERS = ['utm_source', 'utm_medium', 'utm_term', 'utm_content', 'utm_campaign'] as const;

/** The tracking that applies to one message: its `tracking_settings` over the tenant defaults. */
export interface EffectiveTrackingSettings {
  open: { enable: boolean; substitutionTag: string | null };
  click: { enable: boolean; enableText: boolean };
  subscription: { enable: boolean; html: string | null; text: string | null; substitutionTag: string | null };
  /** `parameters` are the non-empty `utm_*` values of the request. */
  ganalytics: { enable: boolean; parameters: Array<[string, string]> };
}

/** Merges a message's `tracking_settings` over the tenant defaults; a value of the request wins. */
export function mergeTrackingSettings(defaults: TenantTrackingDefaults, request: TrackingSettings): EffectiveTrackingSettings {
  const ganalytics = request.ganalytics ?? {};
  return {
    open: {
      enable: request.open_tracking?.enable ?? defaults.open_tracking_enabled,
      substitutionTag: nonEmpty(request.open_tracking?.substitution_tag),
    },
    click: {
      enable: request.click_tracking?.enable ?? defaults.click_tracking_enabled,
      enableText: request.click_tracking?.enable_text ?? defaults.click_tracking_enable_text,
    },
    subscription: {
      enable: request.subscription_tracking?.enable ?? defaults.subscription_tracking_enabled,
      html: nonEmpty(request.subscription_tracking?.html),
      text: nonEmpty(request.subscription_tracking?.text),
      substitutionTag: nonEmpty(request.subscription_tracking?.substitution_tag),
    },
    ganalytics: {
      enable: ganalytics.enable ?? defaults.ganalytics_enabled,
      parameters: GANALYTICS_PARAMETERS.flatMap((name) => {
        const value = nonEmpty(ganalytics[name]);
        return value === null ? [] : [[name, value] as [string, string]];
      }),
    },
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
