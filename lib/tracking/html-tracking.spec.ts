import { htmlToText } from '../common/html-to-text.js';
import { DEFAULT_TENANT_TRACKING, EffectiveTrackingSettings, mergeTrackingSettings } from './effective-settings.js';
import { addGanalytics, applyTracking, TrackingUrls } from './html-tracking.js';

const OWN = 'https://track.test/t/';

const urls: TrackingUrls = {
  ownPrefix: OWN,
  openPixel: `${OWN}o/OPEN.gif`,
  unsubscribe: `${OWN}u/UNSUB`,
  click: (destination, index) => `${OWN}c/T${index}?u=${encodeURIComponent(destination)}`,
};

const noUnsubscribe: TrackingUrls = { ...urls, unsubscribe: null };

/** Returns the tracked form of `destination` as the `index`-th link, HTML-escaped as it appears in an attribute. */
function tracked(destination: string, index = 0): string {
  return urls.click(destination, index).replace(/&/g, '&amp;');
}

const PIXEL = `<img src="${OWN}o/OPEN.gif" width="1" height="1" alt="" style="height:1px !important;width:1px !important;border-width:0 !important;margin:0 !important;padding:0 !important">`;

function settings(overrides: Partial<typeof DEFAULT_TENANT_TRACKING> = {}, request: Parameters<typeof mergeTrackingSettings>[1] = {}): EffectiveTrackingSettings {
  return mergeTrackingSettings({ ...DEFAULT_TENANT_TRACKING, open_tracking_enabled: false, ...overrides }, request);
}

function trackHtml(html: string, effective = settings(), trackingUrls = noUnsubscribe): string | null {
  return applyTracking({ html, text: null }, effective, trackingUrls).html;
}

describe('applyTracking links', () => {
  it.each([
    ['double-quoted', '<a href="https://a.test/x">x</a>', `<a href="${tracked('https://a.test/x')}">x</a>`],
    ['&amp; decoded before signing', '<a href="https://a.test/x?p=1&amp;q=2">x</a>', `<a href="${tracked('https://a.test/x?p=1&q=2')}">x</a>`],
    ['numeric character reference', '<a href="https://a.test/&#x61;">x</a>', `<a href="${tracked('https://a.test/a')}">x</a>`],
    ['uppercase HREF', '<A HREF="https://a.test/">x</A>', `<A HREF="${tracked('https://a.test/')}">x</A>`],
    ['uppercase scheme', '<a href="HTTPS://A.TEST/">x</a>', `<a href="${tracked('HTTPS://A.TEST/')}">x</a>`],
    ['single-quoted', "<a href='https://a.test/'>x</a>", `<a href='${tracked('https://a.test/')}'>x</a>`],
    ['unquoted', '<a href=https://a.test/p>x</a>', `<a href="${tracked('https://a.test/p')}">x</a>`],
    ['spaces around = and the value', '<a href = " https://a.test/ ">x</a>', `<a href = "${tracked('https://a.test/')}">x</a>`],
    ['other attributes kept', '<a class="btn" href="https://a.test/" target=_blank data-x>x</a>', `<a class="btn" href="${tracked('https://a.test/')}" target=_blank data-x>x</a>`],
    ['first of two hrefs', '<a href="https://a.test/1" href="https://a.test/2">x</a>', `<a href="${tracked('https://a.test/1')}" href="https://a.test/2">x</a>`],
    ['clicktracking="off"', '<a href="https://a.test/" clicktracking="off">x</a>', '<a href="https://a.test/">x</a>'],
    ['CLICKTRACKING=OFF first', '<a CLICKTRACKING=OFF href="https://a.test/">x</a>', '<a href="https://a.test/">x</a>'],
    ['clicktracking="on"', '<a href="https://a.test/" clicktracking="on">x</a>', `<a href="${tracked('https://a.test/')}">x</a>`],
    ['mailto:', '<a href="mailto:ada@example.com">x</a>', '<a href="mailto:ada@example.com">x</a>'],
    ['tel:', '<a href="tel:+3112345678">x</a>', '<a href="tel:+3112345678">x</a>'],
    ['fragment', '<a href="#top">x</a>', '<a href="#top">x</a>'],
    ['relative', '<a href="/account">x</a>', '<a href="/account">x</a>'],
    ['protocol-relative', '<a href="//a.test/x">x</a>', '<a href="//a.test/x">x</a>'],
    ['javascript:', '<a href="javascript:void(0)">x</a>', '<a href="javascript:void(0)">x</a>'],
    ['not a URL', '<a href="https://">x</a>', '<a href="https://">x</a>'],
    ['no href', '<a name="top">x</a>', '<a name="top">x</a>'],
    ['area', '<map><area href="https://a.test/" alt="x"></map>', '<map><area href="https://a.test/" alt="x"></map>'],
    ['link in a comment', '<!-- <a href="https://a.test/">x</a> -->', '<!-- <a href="https://a.test/">x</a> -->'],
    ['link in a script', '<script>var s = \'<a href="https://a.test/">\';</script>', '<script>var s = \'<a href="https://a.test/">\';</script>'],
    ['own tracking URL', `<a href="${OWN}u/UNSUB">x</a>`, `<a href="${OWN}u/UNSUB">x</a>`],
  ])('%s', (_case, html, expected) => {
    expect(trackHtml(html)).toBe(expected);
  });

  it('numbers links in document order', () => {
    const html = '<p><a href="https://a.test/1">1</a><a href="mailto:x@y.test">m</a><a href="https://a.test/2">2</a></p>';

    expect(trackHtml(html)).toBe(`<p><a href="${tracked('https://a.test/1', 0)}">1</a><a href="mailto:x@y.test">m</a><a href="${tracked('https://a.test/2', 1)}">2</a></p>`);
  });

  it('keeps every other byte of the document', () => {
    const html =
      '<!DOCTYPE html>\n<HTML lang=en><head><META charset="utf-8"><style>a{color:red}</style></head>\r\n' +
      '<body  bgcolor=#fff>\t<p>caf&eacute; &amp; <b>bold</b><br/><img src=cid:logo alt=\'\'></p>\n' +
      '<a  title="T &quot;q&quot;"   href="https://a.test/?a=1&amp;b=2" >go</a><![CDATA[ x ]]>\n</body></HTML>\n';
    const expected = html.replace('https://a.test/?a=1&amp;b=2', tracked('https://a.test/?a=1&b=2'));

    expect(trackHtml(html)).toBe(expected);
  });

  it('leaves links alone without click tracking', () => {
    const html = '<a href="https://a.test/" clicktracking="off">x</a><a href="https://b.test/">y</a>';

    expect(trackHtml(html, settings({ click_tracking_enabled: false }))).toBe('<a href="https://a.test/">x</a><a href="https://b.test/">y</a>');
  });

  it('follows the request over the tenant default', () => {
    const html = '<a href="https://a.test/">x</a>';

    expect(trackHtml(html, settings({ click_tracking_enabled: true }, { click_tracking: { enable: false } }))).toBe(html);
    expect(trackHtml(html, settings({ click_tracking_enabled: false }, { click_tracking: { enable: true } }))).toBe(`<a href="${tracked('https://a.test/')}">x</a>`);
  });
});

describe('applyTracking open pixel', () => {
  const open = settings({ open_tracking_enabled: true, click_tracking_enabled: false });

  it.each([
    ['after the body start tag', '<html><head><title>t</title></head><body class="x"><p>Hi</p></body></html>', `<html><head><title>t</title></head><body class="x">${PIXEL}<p>Hi</p></body></html>`],
    ['after the head without a body', '<html><head><title>t</title></head><p>Hi</p></html>', `<html><head><title>t</title></head>${PIXEL}<p>Hi</p></html>`],
    ['after the html start tag', '<html><p>Hi</p></html>', `<html>${PIXEL}<p>Hi</p></html>`],
    ['at the start of a fragment', '<p>Hi</p>', `${PIXEL}<p>Hi</p>`],
    ['at the start when the only body tag is in a comment', '<!-- <body> --><p>Hi</p>', `${PIXEL}<!-- <body> --><p>Hi</p>`],
  ])('goes %s', (_case, html, expected) => {
    expect(trackHtml(html, open)).toBe(expected);
  });

  it('replaces the first substitution tag and drops the others', () => {
    const tagged = settings({ open_tracking_enabled: true, click_tracking_enabled: false }, { open_tracking: { substitution_tag: '[pixel]' } });

    expect(trackHtml('<body><p>Hi</p><p>[pixel]</p>[pixel]</body>', tagged)).toBe(`<body><p>Hi</p><p>${PIXEL}</p></body>`);
  });

  it('uses the default place when the substitution tag is missing', () => {
    const tagged = settings({ open_tracking_enabled: true, click_tracking_enabled: false }, { open_tracking: { substitution_tag: '[pixel]' } });

    expect(trackHtml('<body><p>Hi</p></body>', tagged)).toBe(`<body>${PIXEL}<p>Hi</p></body>`);
  });

  it('removes the substitution tag when open tracking is off', () => {
    const off = settings({ click_tracking_enabled: false }, { open_tracking: { enable: false, substitution_tag: '[pixel]' } });

    expect(trackHtml('<p>[pixel]Hi</p>', off)).toBe('<p>Hi</p>');
  });

  it('adds no pixel to a text-only message', () => {
    const body = applyTracking({ html: null, text: 'Hi https://a.test/' }, open, noUnsubscribe);

    expect(body).toEqual({ html: null, text: 'Hi https://a.test/' });
  });
});

describe('applyTracking text part', () => {
  it('keeps text links unless enable_text is on', () => {
    const body = applyTracking({ html: null, text: 'See https://a.test/x.' }, settings(), noUnsubscribe);

    expect(body.text).toBe('See https://a.test/x.');
  });

  it('rewrites text links when enable_text is on', () => {
    const text = 'See https://a.test/x. Or (https://b.test/y?q=1), <https://c.test/> and mailto:ada@example.com';
    const body = applyTracking({ html: null, text }, settings({ click_tracking_enable_text: true }), noUnsubscribe);

    expect(body.text).toBe(
      `See ${urls.click('https://a.test/x', 0)}. Or (${urls.click('https://b.test/y?q=1', 1)}), <${urls.click('https://c.test/', 2)}> and mailto:ada@example.com`,
    );
  });

  it('keeps square brackets around a URL', () => {
    const body = applyTracking({ html: null, text: '[https://a.test/x]' }, settings({ click_tracking_enable_text: true }), noUnsubscribe);

    expect(body.text).toBe(`[${urls.click('https://a.test/x', 0)}]`);
  });

  it('keeps a bracket that belongs to the URL', () => {
    const body = applyTracking({ html: null, text: 'https://a.test/wiki/Mail_(protocol)' }, settings({ click_tracking_enable_text: true }), noUnsubscribe);

    expect(body.text).toBe(urls.click('https://a.test/wiki/Mail_(protocol)', 0));
  });

  it('numbers text links after HTML links', () => {
    const body = applyTracking({ html: '<a href="https://a.test/">x</a>', text: 'https://a.test/' }, settings({ click_tracking_enable_text: true }), noUnsubscribe);

    expect(body.text).toBe(urls.click('https://a.test/', 1));
  });

  it('derives the text part from the untracked HTML', () => {
    const html = '<body><p>Shop <a href="https://a.test/x">now</a></p></body>';
    const body = applyTracking({ html, text: null }, settings({ open_tracking_enabled: true }), noUnsubscribe);

    expect(body.text).toBe(htmlToText(html));
    expect(body.text).toContain('https://a.test/x');
  });
});

describe('applyTracking subscription', () => {
  const subscription = settings({ click_tracking_enabled: true, subscription_tracking_enabled: true });

  it('appends the default footers', () => {
    const body = applyTracking({ html: '<html><body><p>Hi</p></body></html>', text: 'Hi' }, subscription, urls);

    expect(body.html).toBe(
      `<html><body><p>Hi</p><p style="font-size:12px;color:#666666">To stop receiving these emails, <a href="${OWN}u/UNSUB">unsubscribe here</a>.</p></body></html>`,
    );
    expect(body.text).toBe(`Hi\n\nTo stop receiving these emails, unsubscribe here: ${OWN}u/UNSUB`);
  });

  it('renders the request footers', () => {
    const request = { subscription_tracking: { html: '<div><% Leave %> or <% %></div>', text: 'Leave: <% %> | <% Stop %>' } };
    const body = applyTracking({ html: '<p>Hi</p>', text: 'Hi' }, settings({ subscription_tracking_enabled: true }, request), urls);

    expect(body.html).toBe(`<p>Hi</p><div><a href="${OWN}u/UNSUB">Leave</a> or ${OWN}u/UNSUB</div>`);
    expect(body.text).toBe(`Hi\n\nLeave: ${OWN}u/UNSUB | Stop (${OWN}u/UNSUB)`);
  });

  it('replaces the substitution tag instead of adding a footer', () => {
    const request = { subscription_tracking: { substitution_tag: '[unsubscribe]' } };
    const body = applyTracking({ html: '<a href="[unsubscribe]">Leave</a>', text: 'Leave: [unsubscribe]' }, settings({ subscription_tracking_enabled: true }, request), urls);

    expect(body.html).toBe(`<a href="${OWN}u/UNSUB">Leave</a>`);
    expect(body.text).toBe(`Leave: ${OWN}u/UNSUB`);
  });

  it('replaces the ASM tags without tracking them as clicks', () => {
    const html = '<a href="<%asm_group_unsubscribe_raw_url%>">Leave</a> <a href="<% asm_preferences_raw_url %>">Settings</a>';
    const body = applyTracking({ html, text: 'Leave: <%asm_global_unsubscribe_raw_url%>' }, settings({ click_tracking_enable_text: true }), urls);

    expect(body.html).toBe(`<a href="${OWN}u/UNSUB">Leave</a> <a href="${OWN}u/UNSUB">Settings</a>`);
    expect(body.text).toBe(`Leave: ${OWN}u/UNSUB`);
  });

  it('keeps ASM tags without an unsubscribe URL', () => {
    const html = '<a href="<%asm_group_unsubscribe_raw_url%>">Leave</a>';

    expect(trackHtml(html)).toBe(html);
  });
});

describe('ganalytics', () => {
  const request = { ganalytics: { enable: true, utm_source: 'mail', utm_campaign: 'spring sale', utm_medium: '' } };

  it('adds the parameters to tracked links', () => {
    const html = '<a href="https://a.test/p?x=1#top">x</a>';

    expect(trackHtml(html, settings({}, request))).toBe(`<a href="${tracked('https://a.test/p?x=1&utm_source=mail&utm_campaign=spring%20sale#top')}">x</a>`);
  });

  it('adds the parameters to untracked links', () => {
    const html = '<a href="https://a.test/" clicktracking="off">x</a>';

    expect(trackHtml(html, settings({}, request))).toBe('<a href="https://a.test/?utm_source=mail&amp;utm_campaign=spring%20sale">x</a>');
  });

  it.each([
    ['https://a.test/', 'https://a.test/?utm_source=s'],
    ['https://a.test/?', 'https://a.test/?utm_source=s'],
    ['https://a.test/?a=1&', 'https://a.test/?a=1&utm_source=s'],
    ['https://a.test/#x?y', 'https://a.test/?utm_source=s#x?y'],
    ['https://a.test/?utm_source=own', 'https://a.test/?utm_source=own'],
  ])('appends to %s', (url, expected) => {
    expect(addGanalytics(url, [['utm_source', 's']])).toBe(expected);
  });
});
