import { simpleParser, type ParsedMail } from 'mailparser';
import { UnsubscribeService } from '../lib/tracking/unsubscribe.service.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, verifyDkim, waitForStatus } from './support/walkthrough.js';

/** The public URL the module writes into mail; requests to it are sent to the test app instead. */
const PUBLIC_URL = 'https://track.acme.test';
const SENDER = 'news@mail.acme.test';
const USER_AGENT = 'ScaiSendTrackingTest/1.0';
const SHOP_URL = 'https://shop.example.com/a?x=1&y=2';

const HTML =
  '<html><head><title>Spring</title></head><body><p>Hello</p>' +
  '<p><a href="https://shop.example.com/a?x=1&amp;y=2">Shop</a> <a href="mailto:help@acme.test">Help</a> ' +
  '<a href="https://acme.test/terms" clicktracking="off">Terms</a></p></body></html>';
const TEXT = `Hello\nShop: ${SHOP_URL}`;

interface Received {
  messageId: string;
  raw: Buffer;
  parsed: ParsedMail;
}

/** Returns an unfolded top-level header of a raw message, or undefined. */
function rawHeader(raw: Buffer, name: string): string | undefined {
  const text = raw.toString('utf8');
  const block = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n(?=[ \t])/g, '');
  const line = block.split('\r\n').find((field) => field.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** Returns every `href` value of the HTML that starts with `prefix`. */
function hrefsStartingWith(html: string, prefix: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => (match[1] ?? '').replace(/&amp;/g, '&')).filter((href) => href.startsWith(prefix));
}

describe.each(['redis', 'postgres'] as const)('tracking and unsubscribe with queues on %s', (queue) => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    relay = await SmtpSink.start();
    app = await TestApp.start({
      databaseUrl: database.url,
      queue,
      config: { dnsServers: [dns.address], smtpRelayUrl: `smtp://127.0.0.1:${relay.port}`, publicUrl: PUBLIC_URL },
    });
    admin = await app.adminToken('acme');
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
  });

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await database?.drop();
  });

  /** Sends the request, then returns the message as the relay received it. */
  async function sendAndReceive(body: Record<string, unknown>): Promise<Received> {
    const before = relay.messages.length;
    const sent = await app.request('POST', '/v3/mail/send', admin, { from: { email: SENDER, name: 'Acme' }, subject: 'Spring', ...body });
    expect(sent.status).toBe(202);

    const messages = await relay.waitForMessages(before + 1, 20_000);
    const received = messages.find((message) => rawHeader(message.raw, 'X-ScaiSend-Message-Id') === sent.body.message_id);
    if (!received) throw new Error(`The relay did not receive message ${sent.body.message_id}`);
    return { messageId: sent.body.message_id, raw: received.raw, parsed: await simpleParser(received.raw) };
  }

  /** Requests a URL of the mail from the test app, which serves `PUBLIC_URL`. */
  function fetchPublic(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    expect(target.origin).toBe(PUBLIC_URL);
    return fetch(`${app.baseUrl}${target.pathname}${target.search}`, { redirect: 'manual', ...init, headers: { 'user-agent': USER_AGENT, ...init.headers } });
  }

  async function events(messageId: string, type: string): Promise<any[]> {
    const message = await app.request('GET', `/v3/messages/${messageId}`, admin);
    return message.body.events.filter((event: { event_type: string }) => event.event_type === type);
  }

  async function todaysMetrics(): Promise<Record<string, number>> {
    const today = new Date().toISOString().slice(0, 10);
    const stats = await app.request('GET', `/v3/stats?start_date=${today}`, admin);
    return stats.body.stats[0].metrics;
  }

  function unsubscribeToken(raw: Buffer): string {
    const match = /^<https:\/\/track\.acme\.test\/t\/u\/([A-Za-z0-9_-]+)\/one-click>, <mailto:unsubscribe\+\1@mail\.acme\.test>$/.exec(rawHeader(raw, 'List-Unsubscribe') ?? '');
    if (!match?.[1]) throw new Error(`Unexpected List-Unsubscribe header: ${rawHeader(raw, 'List-Unsubscribe')}`);
    return match[1];
  }

  it('counts opens and clicks', async () => {
    const { messageId, raw, parsed } = await sendAndReceive({
      personalizations: [{ to: [{ email: 'reader@example.com' }] }],
      content: [
        { type: 'text/plain', value: TEXT },
        { type: 'text/html', value: HTML },
      ],
    });
    const html = String(parsed.html);

    expect(html).toMatch(/<body><img src="https:\/\/track\.acme\.test\/t\/o\/[A-Za-z0-9_-]+\.gif" width="1" height="1" alt="" style="[^"]+"><p>Hello<\/p>/);
    expect(html).toContain('<a href="mailto:help@acme.test">Help</a>');
    expect(html).toContain('<a href="https://acme.test/terms">Terms</a>');
    expect(html).not.toContain('https://shop.example.com/a?x=1&amp;y=2"');
    expect(parsed.text?.trim()).toBe(TEXT);
    expect(rawHeader(raw, 'List-Unsubscribe')).toBeUndefined();
    await waitForStatus(app, admin, messageId, ['delivered']);

    const [pixelUrl] = [...html.matchAll(/<img src="([^"]+)"/g)].map((match) => match[1] ?? '');
    for (let view = 0; view < 2; view++) {
      const pixel = await fetchPublic(pixelUrl ?? '');
      expect(pixel.status).toBe(200);
      expect(pixel.headers.get('content-type')).toBe('image/gif');
      expect(pixel.headers.get('cache-control')).toContain('no-store');
      expect(Buffer.from(await pixel.arrayBuffer()).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    }

    const [clickUrl] = hrefsStartingWith(html, `${PUBLIC_URL}/t/c/`);
    expect(new URL(clickUrl ?? '').searchParams.get('u')).toBe(SHOP_URL);
    for (let click = 0; click < 2; click++) {
      const redirect = await fetchPublic(clickUrl ?? '');
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe(SHOP_URL);
    }

    const checkedPixel = await fetchPublic(pixelUrl ?? '', { method: 'HEAD' });
    expect(checkedPixel.status).toBe(200);
    const checkedLink = await fetchPublic(clickUrl ?? '', { method: 'HEAD' });
    expect(checkedLink.status).toBe(302);
    expect(checkedLink.headers.get('location')).toBe(SHOP_URL);

    const opens = await events(messageId, 'open');
    expect(opens).toHaveLength(2);
    expect(opens[0]).toMatchObject({ recipient_email: 'reader@example.com', metadata: { user_agent: USER_AGENT, ip: expect.stringMatching(/127\.0\.0\.1$/) } });
    const clicks = await events(messageId, 'click');
    expect(clicks).toHaveLength(2);
    expect(clicks[0]).toMatchObject({ recipient_email: 'reader@example.com', metadata: { url: SHOP_URL, user_agent: USER_AGENT, ip: expect.stringMatching(/127\.0\.0\.1$/) } });
    expect(await todaysMetrics()).toMatchObject({ opens: 2, unique_opens: 1, clicks: 2, unique_clicks: 1 });
  });

  it('rejects tampered tokens and other URLs', async () => {
    const { messageId, parsed } = await sendAndReceive({
      personalizations: [{ to: [{ email: 'tamper@example.com' }] }],
      content: [{ type: 'text/html', value: HTML }],
      tracking_settings: { subscription_tracking: { enable: true } },
    });
    const html = String(parsed.html);
    const clickUrl = new URL(hrefsStartingWith(html, `${PUBLIC_URL}/t/c/`)[0] ?? '');
    const token = clickUrl.pathname.split('/').pop() ?? '';
    const tampered = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;

    const badToken = await fetchPublic(`${PUBLIC_URL}/t/c/${tampered}${clickUrl.search}`);
    expect(badToken.status).toBe(404);
    expect(await badToken.json()).toEqual({ detail: expect.stringContaining('Link not found') });

    const otherUrl = await fetchPublic(`${PUBLIC_URL}/t/c/${token}?u=${encodeURIComponent('https://evil.example.net/')}`);
    expect(otherUrl.status).toBe(400);
    expect(otherUrl.headers.get('location')).toBeNull();

    const unsubscribeUrl = hrefsStartingWith(html, `${PUBLIC_URL}/t/u/`)[0] ?? '';
    const badPage = await fetchPublic(`${unsubscribeUrl}x`);
    expect(badPage.status).toBe(404);

    const badPixel = await fetchPublic(`${PUBLIC_URL}/t/o/${tampered}.gif`);
    expect(badPixel.status).toBe(200);
    expect(badPixel.headers.get('content-type')).toBe('image/gif');
    expect(await events(messageId, 'open')).toEqual([]);
    expect(await events(messageId, 'click')).toEqual([]);
  });

  it('one-click unsubscribe drops the next send', async () => {
    const recipient = 'oneclick@example.com';
    const { messageId, raw, parsed } = await sendAndReceive({
      personalizations: [{ to: [{ email: recipient }] }],
      content: [
        { type: 'text/plain', value: TEXT },
        { type: 'text/html', value: HTML },
      ],
      tracking_settings: { subscription_tracking: { enable: true } },
    });
    const token = unsubscribeToken(raw);

    expect(rawHeader(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(rawHeader(raw, 'DKIM-Signature')).toMatch(/h=[^;]*list-unsubscribe:list-unsubscribe-post/);
    expect(await verifyDkim(raw, dns)).toBe('pass');
    expect(String(parsed.html)).toContain(`<a href="${PUBLIC_URL}/t/u/${token}">unsubscribe here</a>.</p></body>`);
    expect(parsed.text).toContain(`unsubscribe here: ${PUBLIC_URL}/t/u/${token}`);
    await waitForStatus(app, admin, messageId, ['delivered']);

    const oneClickUrl = `${PUBLIC_URL}/t/u/${token}/one-click`;
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };
    const first = await fetchPublic(oneClickUrl, form);
    expect(first.status).toBe(200);
    const again = await fetchPublic(oneClickUrl, form);
    expect(again.status).toBe(200);

    const unsubscribes = await events(messageId, 'unsubscribe');
    expect(unsubscribes).toEqual([expect.objectContaining({ recipient_email: recipient, metadata: { source: 'one_click' } })]);
    const suppressed = await app.request('GET', `/v3/asm/suppressions/global/${recipient}`, admin);
    expect(suppressed.body).toEqual({ recipient_email: recipient });
    expect((await todaysMetrics()).unsubscribes).toBeGreaterThanOrEqual(1);

    const next = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: recipient }] }],
      from: { email: SENDER },
      subject: 'Again',
      content: [{ type: 'text/plain', value: 'Hello again' }],
    });
    const dropped = await waitForStatus(app, admin, next.body.message_id, ['failed']);
    expect(dropped.events).toEqual([expect.objectContaining({ event_type: 'dropped', metadata: { reason: 'suppressed_unsubscribe' } })]);
  });

  it('checks the one-click body', async () => {
    const { raw } = await sendAndReceive({
      personalizations: [{ to: [{ email: 'multipart@example.com' }] }],
      content: [{ type: 'text/plain', value: 'Hello' }],
      tracking_settings: { subscription_tracking: { enable: true } },
    });
    const oneClickUrl = `${PUBLIC_URL}/t/u/${unsubscribeToken(raw)}/one-click`;

    const wrong = await fetchPublic(oneClickUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=Yes' });
    expect(wrong.status).toBe(400);

    const multipart = new FormData();
    multipart.set('List-Unsubscribe', 'One-Click');
    const accepted = await fetchPublic(oneClickUrl, { method: 'POST', body: multipart });
    expect(accepted.status).toBe(200);
    expect((await app.request('GET', '/v3/asm/suppressions/global/multipart@example.com', admin)).body).toEqual({ recipient_email: 'multipart@example.com' });
  });

  it('unsubscribes by mail to the mailto address', async () => {
    const { messageId, raw } = await sendAndReceive({
      personalizations: [{ to: [{ email: 'mailto@example.com' }] }],
      content: [{ type: 'text/plain', value: 'Hello' }],
      tracking_settings: { subscription_tracking: { enable: true } },
    });
    const address = `unsubscribe+${unsubscribeToken(raw)}@mail.acme.test`;
    const unsubscribes = app.app.get(UnsubscribeService);

    expect(await unsubscribes.unsubscribeByMail(address)).toBe(true);
    expect(await unsubscribes.unsubscribeByMail(address.replace('unsubscribe+', 'unsubscribe+x'))).toBe(false);
    expect(await unsubscribes.unsubscribeByMail('news@mail.acme.test')).toBe(false);
    expect(await events(messageId, 'unsubscribe')).toEqual([expect.objectContaining({ recipient_email: 'mailto@example.com', metadata: { source: 'mailto' } })]);
  });

  it('carries out the unsubscribe page forms', async () => {
    const recipient = 'page@example.com';
    const group = await app.request('POST', '/v3/asm/groups', admin, { name: 'Newsletter', description: 'Monthly news' });
    expect(group.status).toBe(201);
    const groupId: number = group.body.id;

    const { messageId, raw, parsed } = await sendAndReceive({
      personalizations: [{ to: [{ email: recipient }] }],
      content: [{ type: 'text/html', value: '<p>News</p>' }],
      asm: { group_id: groupId },
    });
    const token = unsubscribeToken(raw);
    expect(String(parsed.html)).not.toContain('/t/u/');
    const pageUrl = `${PUBLIC_URL}/t/u/${token}`;

    const page = await fetchPublic(pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const pageHtml = await page.text();
    expect(pageHtml).toContain(recipient);
    expect(pageHtml).toContain('<h2>Newsletter</h2>');
    expect(pageHtml).toContain('value="unsubscribe_group"');
    expect(pageHtml).toContain('value="unsubscribe_all"');
    expect(pageHtml).toContain(`action="${pageUrl}"`);

    const post = (fields: Record<string, string>) =>
      fetchPublic(pageUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

    const left = await post({ action: 'unsubscribe_group', group_id: String(groupId) });
    expect(left.status).toBe(200);
    expect(await left.text()).toContain('value="resubscribe_group"');
    expect(await events(messageId, 'group_unsubscribe')).toEqual([expect.objectContaining({ recipient_email: recipient, metadata: { group_id: groupId } })]);
    expect((await app.request('GET', `/v3/asm/groups/${groupId}/suppressions`, admin)).body).toEqual([recipient]);

    const rejoined = await post({ action: 'resubscribe_group', group_id: String(groupId) });
    expect(rejoined.status).toBe(200);
    expect(await events(messageId, 'group_resubscribe')).toEqual([expect.objectContaining({ recipient_email: recipient, metadata: { group_id: groupId } })]);
    expect((await app.request('GET', `/v3/asm/groups/${groupId}/suppressions`, admin)).body).toEqual([]);

    expect((await post({ action: 'unsubscribe_group', group_id: String(groupId + 1000) })).status).toBe(400);
    expect((await post({ action: 'unsubscribe_group' })).status).toBe(400);
    expect((await post({ action: 'delete_everything' })).status).toBe(400);

    const all = await post({ action: 'unsubscribe_all' });
    expect(all.status).toBe(200);
    expect(await all.text()).toContain('You are unsubscribed from all emails of this sender.');
    expect(await events(messageId, 'unsubscribe')).toEqual([expect.objectContaining({ recipient_email: recipient, metadata: { source: 'link' } })]);
    expect((await app.request('GET', `/v3/asm/suppressions/global/${recipient}`, admin)).body).toEqual({ recipient_email: recipient });
  });

  it('keeps tenant tracking defaults', async () => {
    const defaults = await app.request('GET', '/api/admin/tenants/acme/tracking', admin);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual({
      open_tracking_enabled: true,
      click_tracking_enabled: true,
      click_tracking_enable_text: false,
      subscription_tracking_enabled: false,
      ganalytics_enabled: false,
    });

    expect((await app.request('GET', '/api/admin/tenants/other/tracking', admin)).status).toBe(403);
    const reader = await app.adminToken('acme', ['stats.read']);
    const missing = await app.request('GET', '/api/admin/tenants/acme/tracking', reader);
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ detail: 'Missing required scope: admin.settings' });
    expect((await app.request('PUT', '/api/admin/tenants/acme/tracking', admin, { open_tracking_enabled: 'yes' })).status).toBe(400);

    const updated = await app.request('PUT', '/api/admin/tenants/acme/tracking', admin, { open_tracking_enabled: false, click_tracking_enable_text: true });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...defaults.body, open_tracking_enabled: false, click_tracking_enable_text: true });
    expect((await app.request('GET', '/api/admin/tenants/acme/tracking', admin)).body).toEqual(updated.body);

    const { parsed } = await sendAndReceive({
      personalizations: [{ to: [{ email: 'defaults@example.com' }] }],
      content: [
        { type: 'text/plain', value: TEXT },
        { type: 'text/html', value: HTML },
      ],
    });
    expect(String(parsed.html)).not.toContain('/t/o/');
    expect(parsed.text).not.toContain(SHOP_URL);
    expect(parsed.text).toMatch(new RegExp(`Shop: ${PUBLIC_URL.replace(/\./g, '\\.')}/t/c/`));

    const { parsed: withPixel } = await sendAndReceive({
      personalizations: [{ to: [{ email: 'defaults@example.com' }] }],
      content: [{ type: 'text/html', value: HTML }],
      tracking_settings: { open_tracking: { enable: true } },
    });
    expect(String(withPixel.html)).toContain('/t/o/');

    const restored = await app.request('PUT', '/api/admin/tenants/acme/tracking', admin, defaults.body);
    expect(restored.body).toEqual(defaults.body);
  });
});
