import { DEFAULT_TENANT_TRACKING, mergeTrackingSettings } from './effective-settings.js';

describe('mergeTrackingSettings', () => {
  it('uses the tenant defaults without request settings', () => {
    expect(mergeTrackingSettings(DEFAULT_TENANT_TRACKING, {})).toEqual({
      open: { enable: true, substitutionTag: null },
      click: { enable: true, enableText: false },
      subscription: { enable: false, html: null, text: null, substitutionTag: null },
      ganalytics: { enable: false, parameters: [] },
    });
  });

  it('lets each request value win', () => {
    const merged = mergeTrackingSettings(DEFAULT_TENANT_TRACKING, {
      open_tracking: { enable: false, substitution_tag: '%open%' },
      click_tracking: { enable_text: true },
      subscription_tracking: { enable: true, html: '<p><% Leave %></p>', text: '', substitution_tag: '%unsub%' },
      ganalytics: { enable: true, utm_campaign: 'spring', utm_source: 'mail', utm_term: '' },
    });

    expect(merged).toEqual({
      open: { enable: false, substitutionTag: '%open%' },
      click: { enable: true, enableText: true },
      subscription: { enable: true, html: '<p><% Leave %></p>', text: null, substitutionTag: '%unsub%' },
      ganalytics: { enable: true, parameters: [['utm_source', 'mail'], ['utm_campaign', 'spring']] },
    });
  });

  it('keeps a tenant default the request leaves out', () => {
    const defaults = { ...DEFAULT_TENANT_TRACKING, click_tracking_enabled: false, subscription_tracking_enabled: true };
    const merged = mergeTrackingSettings(defaults, { click_tracking: { enable_text: true }, subscription_tracking: { text: 'Bye <% %>' } });

    expect(merged.click).toEqual({ enable: false, enableText: true });
    expect(merged.subscription.enable).toBe(true);
  });
});
