import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { publishRecords, verifyDkim, waitForStatus } from './support/walkthrough.js';

const MESSAGE = { from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

describe('API surface', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    stack = await TestStack.start({ config: { webhookAllowPrivate: false }, overrides: { deliveryRetryDelays: [1], deliveryMaxAgeSeconds: 3 } });
    ({ dns, relay, app, admin } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every scope', async () => {
    const response = await app.request('GET', '/v3/scopes', admin);
    expect(response.status).toBe(200);
    expect(response.body.scopes).toHaveLength(17);
    expect(response.body.scopes).toContain('mail.send');
  });

  it('lists, gets and revokes API keys without showing them again', async () => {
    const created = await app.request('POST', '/v3/api_keys', admin, { name: 'listed', scopes: ['mail.send', 'stats.read'] });
    expect(created.body.prefix).toBe(created.body.api_key.slice(0, 16));

    const listed = await app.request('GET', '/v3/api_keys', admin);
    const row = listed.body.api_keys.find((key: { id: string }) => key.id === created.body.id);
    expect(row).toMatchObject({ name: 'listed', environment: 'live', scopes: ['mail.send', 'stats.read'], revoked_at: null });
    expect(row.api_key).toBeUndefined();

    await app.request('DELETE', `/v3/api_keys/${created.body.id}`, admin);
    const afterRevoke = await app.request('GET', '/v3/api_keys', admin);
    expect(afterRevoke.body.api_keys.map((key: { id: string }) => key.id)).not.toContain(created.body.id);
    const withRevoked = await app.request('GET', '/v3/api_keys?include_revoked=true', admin);
    expect(withRevoked.body.api_keys.find((key: { id: string }) => key.id === created.body.id).revoked_at).not.toBeNull();
  });

  it('rejects unknown scopes and scopes the caller does not hold', async () => {
    const unknown = await app.request('POST', '/v3/api_keys', admin, { name: 'x', scopes: ['mail.fly'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toBe('Unknown scope: mail.fly');

    const developer = await app.adminToken('acme', ['admin.api_keys', 'mail.send']);
    const escalated = await app.request('POST', '/v3/api_keys', developer, { name: 'x', scopes: ['domains.write'] });
    expect(escalated.status).toBe(403);
  });

  it('validates bodies of other routes in the detail shape', async () => {
    const response = await app.request('POST', '/v3/api_keys', admin, { scopes: 'mail.send' });
    expect(response.status).toBe(400);
    expect(response.body.detail.map((error: { loc: string[] }) => error.loc.join('.'))).toEqual(expect.arrayContaining(['body.name', 'body.scopes']));
  });

  it("updates a key with SendGrid's PUT and names its id as SendGrid does", async () => {
    const created = await app.request('POST', '/v3/api_keys', admin, { name: 'before', scopes: ['mail.send'] });
    expect(created.body.api_key_id).toBe(created.body.id);

    const replaced = await app.request('PUT', `/v3/api_keys/${created.body.id}`, admin, { name: 'after', scopes: ['mail.send', 'stats.read'] });

    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ api_key_id: created.body.id, name: 'after', scopes: ['mail.send', 'stats.read'] });
  });

  it('names a missing scopes list once', async () => {
    const response = await app.request('POST', '/v3/api_keys', admin, { name: 'no scopes' });

    expect(response.status).toBe(400);
    expect(response.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'scopes'], msg: 'scopes is required: a list of permissions such as ["mail.send"]' })]);
  });

  it('names a scopes value that is not a list', async () => {
    const response = await app.request('POST', '/v3/api_keys', admin, { name: 'one scope', scopes: 'mail.send' });

    expect(response.status).toBe(400);
    expect(response.body.detail).toEqual([expect.objectContaining({ loc: ['body', 'scopes'], type: 'isArray' })]);
  });

  it('answers an unknown route in the API error shape', async () => {
    const response = await app.request('GET', '/v3/no_such_route', admin);

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ detail: 'Cannot GET /v3/no_such_route' });
  });

  it('reports each missing DNS record and verifies once they are published', async () => {
    const created = await app.request('POST', '/api/admin/domains', admin, { domain: 'news.acme.test', dmarc_policy: 'reject' });
    expect(created.status).toBe(201);
    expect(created.body.verified).toBe(false);
    expect(created.body.dns_records.map((record: { purpose: string }) => record.purpose)).toEqual(['dkim', 'spf', 'dmarc']);

    const missing = await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);
    expect(missing.status).toBe(200);
    expect(missing.body.verified).toBe(false);
    expect(missing.body.errors.map((error: { purpose: string }) => error.purpose)).toEqual(['dkim', 'spf', 'dmarc']);
    expect(missing.body.errors[0]).toMatchObject({ host: 'scaisend._domainkey.news.acme.test', found: null });

    publishRecords(dns, created.body.dns_records);
    dns.setTxt('news.acme.test', ['v=spf1 include:_spf.example.net a mx -all']);
    dns.setTxt('_dmarc.news.acme.test', ['v=DMARC1;p=reject; adkim=s']);
    const verified = await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);
    expect(verified.body).toMatchObject({ verified: true, errors: [] });

    const fetched = await app.request('GET', `/api/admin/domains/${created.body.id}`, admin);
    expect(fetched.body.dns_records.every((record: { valid: boolean }) => record.valid)).toBe(true);
  });

  it('rotates the DKIM key once the new record is published', async () => {
    const created = await app.request('POST', '/api/admin/domains', admin, { domain: 'rotate.acme.test' });
    publishRecords(dns, created.body.dns_records);
    await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);

    const rotating = await app.request('POST', `/api/admin/domains/${created.body.id}/rotate_dkim`, admin);
    expect(rotating.status).toBe(200);
    const next = rotating.body.dns_records.find((record: { host: string }) => record.host === 'scaisend2._domainkey.rotate.acme.test');
    expect(next.value).toMatch(/^v=DKIM1; k=rsa; p=/);

    const pending = await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);
    expect(pending.body.verified).toBe(true);
    expect(pending.body.errors.map((error: { host: string }) => error.host)).toEqual(['scaisend2._domainkey.rotate.acme.test']);

    dns.setTxt(next.host, [next.value]);
    const switched = await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);
    expect(switched.body).toMatchObject({ verified: true, errors: [] });
    expect(switched.body.dns_records.filter((record: { purpose: string }) => record.purpose === 'dkim').map((record: { host: string }) => record.host)).toEqual([
      'scaisend2._domainkey.rotate.acme.test',
    ]);

    relay.reset();
    await app.request('POST', '/v3/mail/send', admin, { ...MESSAGE, from: { email: 'hello@rotate.acme.test' }, personalizations: [{ to: [{ email: 'rotated@example.com' }] }] });
    const [received] = await relay.waitForMessages(1);
    expect(received!.raw.toString()).toMatch(/s=scaisend2;/);
    expect(await verifyDkim(received!.raw, dns)).toBe('pass');
  });

  it('keeps tenants apart', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, { ...MESSAGE, personalizations: [{ to: [{ email: 'private@example.com' }] }] });
    const other = await app.adminToken('globex');

    expect((await app.request('GET', `/v3/messages/${sent.body.message_id}`, other)).status).toBe(404);
    expect((await app.request('GET', '/v3/messages?to_email=private@example.com', other)).body.total).toBe(0);
    expect((await app.request('GET', '/api/admin/domains', other)).body).toEqual([]);
    const foreign = await app.request('POST', '/v3/mail/send', other, { ...MESSAGE, personalizations: [{ to: [{ email: 'a@example.com' }] }] });
    expect(foreign.status).toBe(403);
  });

  it('answers a template that does not render with a 400 naming it', async () => {
    const template = await app.request('POST', '/v3/templates', admin, { name: 'broken', generation: 'dynamic' });
    await app.request('POST', `/v3/templates/${template.body.id}/versions`, admin, { name: 'v1', subject: 'Hi', html_content: 'Hello {{shout name}}' });

    const response = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'a@example.com' }] }],
      from: MESSAGE.from,
      template_id: template.body.id,
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toContain(template.body.id);
    expect(response.body.errors[0].message).toContain('shout');
  });

  it('rejects a template version that does not compile', async () => {
    const template = await app.request('POST', '/v3/templates', admin, { name: 'unclosed', generation: 'dynamic' });
    const response = await app.request('POST', `/v3/templates/${template.body.id}/versions`, admin, { name: 'v1', subject: 'Hi', html_content: '{{#if x}}open' });
    expect(response.status).toBe(400);
  });

  it('bounces as soft once retries are exhausted, without suppressing the address', async () => {
    relay.onRcpt((address) => (address === 'busy@example.com' ? { code: 451, message: '4.3.0 Mailbox busy' } : undefined));
    const sent = await app.request('POST', '/v3/mail/send', admin, { ...MESSAGE, personalizations: [{ to: [{ email: 'busy@example.com' }] }] });

    const message = await waitForStatus(app, admin, sent.body.message_id, ['bounced'], 20_000);
    const bounce = message.events.find((event: { event_type: string }) => event.event_type === 'bounce');
    expect(bounce.metadata.bounce_type).toBe('soft');
    expect(message.events.filter((event: { event_type: string }) => event.event_type === 'deferred').length).toBeGreaterThan(0);

    relay.onRcpt(() => undefined);
    const again = await app.request('POST', '/v3/mail/send', admin, { ...MESSAGE, personalizations: [{ to: [{ email: 'busy@example.com' }] }] });
    await waitForStatus(app, admin, again.body.message_id, ['delivered']);
  });

  it('refuses webhook URLs on loopback and plain HTTP unless allowed', async () => {
    const loopback = await app.request('POST', '/v3/user/webhooks', admin, { url: 'https://127.0.0.1/hook', enabled_events: ['delivered'] });
    expect(loopback.status).toBe(400);
    const plain = await app.request('POST', '/v3/user/webhooks', admin, { url: 'http://hooks.example.com/hook', enabled_events: ['delivered'] });
    expect(plain.status).toBe(400);
    const unknownEvent = await app.request('POST', '/v3/user/webhooks', admin, { url: 'https://hooks.example.com/hook', enabled_events: ['delivery'] });
    expect(unknownEvent.status).toBe(400);
  });

  it('manages webhook endpoints', async () => {
    const created = await app.request('POST', '/v3/user/webhooks', admin, { url: 'https://hooks.example.com/hook', enabled_events: ['*'] });
    expect(created.status).toBe(201);
    expect(created.body.signing_secret).toMatch(/^whsec_/);

    const updated = await app.request('PATCH', `/v3/user/webhooks/${created.body.id}`, admin, { enabled: false, enabled_events: ['bounce'] });
    expect(updated.body).toMatchObject({ enabled: false, enabled_events: ['bounce'] });
    const rotated = await app.request('POST', `/v3/user/webhooks/${created.body.id}/signing_secret`, admin);
    expect(rotated.body.signing_secret).not.toBe(created.body.signing_secret);
    const listed = await app.request('GET', '/v3/user/webhooks?is_active=false', admin);
    expect(listed.body.webhooks.map((webhook: { id: string }) => webhook.id)).toContain(created.body.id);
    expect((await app.request('DELETE', `/v3/user/webhooks/${created.body.id}`, admin)).status).toBe(204);
    expect((await app.request('GET', `/v3/user/webhooks/${created.body.id}`, admin)).status).toBe(404);
  });

  it('filters and pages messages', async () => {
    for (const index of [1, 2, 3]) {
      await app.request('POST', '/v3/mail/send', admin, {
        ...MESSAGE,
        subject: `Invoice ${index}`,
        categories: ['billing'],
        personalizations: [{ to: [{ email: `billing${index}@example.com` }] }],
        mail_settings: { sandbox_mode: { enable: true } },
      });
    }
    const page = await app.request('GET', '/v3/messages?category=billing&subject=invoice&page_size=2&page=2', admin);
    expect(page.body).toMatchObject({ total: 3, page: 2, page_size: 2, total_pages: 2 });
    expect(page.body.messages).toHaveLength(1);
    expect((await app.request('GET', '/v3/messages?page_size=101', admin)).status).toBe(400);
  });

  it('counts stats by day and by month', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const daily = await app.request('GET', `/v3/stats?start_date=${today}&end_date=${today}`, admin);
    expect(daily.body.stats).toHaveLength(1);
    expect(daily.body.stats[0].metrics.requests).toBeGreaterThan(0);
    expect(daily.body.stats[0].metrics.bounces).toBeGreaterThan(0);
    const monthly = await app.request('GET', `/v3/stats?start_date=${today}&aggregated_by=month`, admin);
    expect(monthly.body.stats[0].date).toBe(`${today.slice(0, 7)}-01`);
    expect((await app.request('GET', '/v3/stats', admin)).status).toBe(400);
  });

  it('lists categories and counts them in SendGrid\'s shape', async () => {
    const tenant = await app.adminToken('categories');
    const send = (categories: string[]) =>
      app.request('POST', '/v3/mail/send', tenant, {
        personalizations: [{ to: [{ email: 'ada@example.com' }] }],
        from: { email: 'hello@example.com' },
        subject: 'Hi',
        content: [{ type: 'text/plain', value: 'Hi' }],
        categories,
        mail_settings: { sandbox_mode: { enable: true } },
      });
    await send(['welcome', 'onboarding']);
    await send(['welcome']);
    await send(['receipt']);
    const today = new Date().toISOString().slice(0, 10);

    const all = await app.request('GET', '/v3/categories', tenant);
    const prefixed = await app.request('GET', '/v3/categories?category=re', tenant);
    const stats = await app.request('GET', `/v3/categories/stats?start_date=${today}&categories=welcome&categories=receipt`, tenant);
    const unnamed = await app.request('GET', `/v3/categories/stats?start_date=${today}`, tenant);

    expect(all.body).toEqual([{ category: 'onboarding' }, { category: 'receipt' }, { category: 'welcome' }]);
    expect(prefixed.body).toEqual([{ category: 'receipt' }]);
    expect(stats.body).toEqual([
      {
        date: today,
        stats: [
          { type: 'category', name: 'welcome', metrics: expect.objectContaining({ requests: 2 }) },
          { type: 'category', name: 'receipt', metrics: expect.objectContaining({ requests: 1 }) },
        ],
      },
    ]);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.detail).toEqual([expect.objectContaining({ loc: ['query', 'categories'], msg: 'categories is required: name 1 to 10 categories, as categories=a&categories=b' })]);
  });

  it.each([
    '/v3/messages/%00',
    '/api/admin/domains/%00',
    '/v3/templates/%00',
    '/v3/api_keys/%00',
    '/v3/user/webhooks/%00',
    '/v3/messages?subject=%00',
    '/v3/messages?page=99999999999999999999',
  ])('GET %s is a 4xx', async (path) => {
    const response = await app.request('GET', path, admin);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('rejects a null character in a stored name', async () => {
    const response = await app.request('POST', '/v3/api_keys', admin, { name: 'a\u0000b', scopes: ['mail.send'] });
    expect(response.status).toBe(400);
  });

  it('names the query in query errors', async () => {
    const response = await app.request('GET', '/v3/messages?page_size=0', admin);
    expect(response.status).toBe(400);
    expect(response.body.detail[0].loc).toEqual(['query', 'page_size']);
  });

  it('accepts a subject longer than 1000 characters', async () => {
    const response = await app.request('POST', '/v3/mail/send', admin, { ...MESSAGE, subject: 'x'.repeat(1500), personalizations: [{ to: [{ email: 'long@example.com' }] }], mail_settings: { sandbox_mode: { enable: true } } });
    expect(response.status).toBe(202);
  });

  it('serves the OpenAPI document', async () => {
    const document = await app.request('GET', '/docs-json', null);
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/v3/mail/send', '/v3/api_keys', '/api/admin/domains/{id}/verify', '/v3/stats']));
    expect((await app.request('GET', '/docs', null)).status).toBe(200);
  });

  it('answers health and readiness', async () => {
    expect((await app.request('GET', '/health', null)).body).toEqual({ status: 'healthy' });
    expect((await app.request('GET', '/ready', null)).body).toEqual({ status: 'ready' });
  });
});
