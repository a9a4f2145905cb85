import { simpleParser } from 'mailparser';
import { TestDnsServer } from './support/dns-server.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, waitForStatus } from './support/walkthrough.js';

const FROM = { email: 'hello@mail.acme.test', name: 'Acme' };

describe('Templates API', () => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let app: TestApp;
  let admin: string;
  let names = 0;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    app = await TestApp.start({ databaseUrl: database.url, config: { dnsServers: [dns.address] } });
    admin = await app.adminToken('acme');
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
  });

  afterAll(async () => {
    await app?.close();
    await dns?.stop();
    await database?.drop();
  });

  async function createTemplate(generation: 'dynamic' | 'legacy' = 'dynamic'): Promise<string> {
    names += 1;
    const response = await app.request('POST', '/v3/templates', admin, { name: `template-${names}`, generation });
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  async function addVersion(templateId: string, body: Record<string, unknown>): Promise<any> {
    const response = await app.request('POST', `/v3/templates/${templateId}/versions`, admin, { name: 'v', subject: 'Hi', ...body });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function activeVersionIds(templateId: string): Promise<string[]> {
    const template = await app.request('GET', `/v3/templates/${templateId}`, admin);
    return template.body.versions.filter((version: { active: number }) => version.active === 1).map((version: { id: string }) => version.id);
  }

  describe('templates', () => {
    it('creates, renames and deletes templates', async () => {
      const created = await app.request('POST', '/v3/templates', admin, { name: 'receipt' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'receipt', generation: 'dynamic', versions: [] });
      expect(created.body.id).toMatch(/^d-[0-9a-f]{32}$/);
      const version = await addVersion(created.body.id, { html_content: '<p>Paid</p>' });

      const renamed = await app.request('PATCH', `/v3/templates/${created.body.id}`, admin, { name: 'receipt-2026' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('receipt-2026');
      expect(renamed.body.versions.map((entry: { id: string }) => entry.id)).toEqual([version.id]);

      expect((await app.request('DELETE', `/v3/templates/${created.body.id}`, admin)).status).toBe(204);
      expect((await app.request('GET', `/v3/templates/${created.body.id}`, admin)).status).toBe(404);
      expect((await app.request('GET', `/v3/templates/${created.body.id}/versions/${version.id}`, admin)).status).toBe(404);
      expect((await app.request('DELETE', `/v3/templates/${created.body.id}`, admin)).status).toBe(404);
    });

    it('keeps names unique within a tenant', async () => {
      await app.request('POST', '/v3/templates', admin, { name: 'unique-name' });
      const other = await app.request('POST', '/v3/templates', admin, { name: 'other-name' });

      expect((await app.request('POST', '/v3/templates', admin, { name: 'unique-name' })).status).toBe(409);
      expect((await app.request('PATCH', `/v3/templates/${other.body.id}`, admin, { name: 'unique-name' })).status).toBe(409);
      expect((await app.request('PATCH', `/v3/templates/${other.body.id}`, admin, { name: 'other-name' })).status).toBe(200);
      const globex = await app.adminToken('globex');
      expect((await app.request('POST', '/v3/templates', globex, { name: 'unique-name' })).status).toBe(201);
    });

    it('lists by generation and pages with _metadata', async () => {
      const legacy = await createTemplate('legacy');
      await createTemplate();
      await createTemplate();

      const legacyOnly = await app.request('GET', '/v3/templates?generations=legacy', admin);
      expect(legacyOnly.status).toBe(200);
      expect(legacyOnly.body.result.every((template: { generation: string }) => template.generation === 'legacy')).toBe(true);
      expect(legacyOnly.body.result.map((template: { id: string }) => template.id)).toContain(legacy);

      const both = await app.request('GET', '/v3/templates?generations=dynamic,legacy', admin);
      const firstPage = await app.request('GET', '/v3/templates?generations=dynamic,legacy&page_size=2', admin);
      expect(firstPage.body.result).toHaveLength(2);
      expect(firstPage.body._metadata.count).toBe(both.body.result.length);
      expect(firstPage.body._metadata.next).toContain('page_token=2');

      const secondPage = await app.request('GET', firstPage.body._metadata.next, admin);
      expect(secondPage.body.result[0].id).toBe(both.body.result[2].id);
      expect(secondPage.body._metadata.prev).toBeDefined();
    });

    it('lists versions without their content', async () => {
      const templateId = await createTemplate();
      await addVersion(templateId, { html_content: '<p>Long content</p>' });

      const listed = await app.request('GET', '/v3/templates', admin);
      const row = listed.body.result.find((template: { id: string }) => template.id === templateId);
      expect(row.versions).toHaveLength(1);
      expect(row.versions[0].html_content).toBeUndefined();
      expect(row.versions[0]).toMatchObject({ active: 1, engine: 'handlebars' });
    });

    it('rejects unknown generations and page sizes', async () => {
      expect((await app.request('GET', '/v3/templates?generations=modern', admin)).status).toBe(400);
      expect((await app.request('GET', '/v3/templates?page_size=201', admin)).status).toBe(400);
      expect((await app.request('GET', '/v3/templates?page_token=abc', admin)).status).toBe(400);
    });
  });

  describe('versions', () => {
    it('activates the first version without active: 1', async () => {
      const templateId = await createTemplate();
      const first = await addVersion(templateId, { html_content: '<p>One</p>' });

      expect(first).toMatchObject({ active: 1, template_id: templateId, engine: 'handlebars', editor: 'code', plain_content: 'One', generate_plain_content: true });
      expect(await activeVersionIds(templateId)).toEqual([first.id]);
    });

    it('keeps exactly one version active', async () => {
      const templateId = await createTemplate();
      const first = await addVersion(templateId, {});
      const second = await addVersion(templateId, { active: 1 });
      const third = await addVersion(templateId, {});
      expect(third.active).toBe(0);
      expect(await activeVersionIds(templateId)).toEqual([second.id]);

      const activated = await app.request('POST', `/v3/templates/${templateId}/versions/${first.id}/activate`, admin);
      expect(activated.status).toBe(200);
      expect(activated.body.active).toBe(1);
      expect(await activeVersionIds(templateId)).toEqual([first.id]);

      const patched = await app.request('PATCH', `/v3/templates/${templateId}/versions/${third.id}`, admin, { active: 1 });
      expect(patched.body.active).toBe(1);
      expect(await activeVersionIds(templateId)).toEqual([third.id]);
    });

    it('keeps one active version under concurrent writes', async () => {
      const templateId = await createTemplate();
      const writes = Array.from({ length: 6 }, (_, index) =>
        app.request('POST', `/v3/templates/${templateId}/versions`, admin, { name: `v${index}`, subject: 'Hi', active: 1 }),
      );
      const responses = await Promise.all(writes);

      expect(responses.map((response) => response.status)).toEqual(Array(6).fill(201));
      expect(await activeVersionIds(templateId)).toHaveLength(1);
    });

    it('protects the active version', async () => {
      const templateId = await createTemplate();
      const active = await addVersion(templateId, {});
      const inactive = await addVersion(templateId, {});

      const deactivated = await app.request('PATCH', `/v3/templates/${templateId}/versions/${active.id}`, admin, { active: 0 });
      expect(deactivated.status).toBe(400);
      const deleted = await app.request('DELETE', `/v3/templates/${templateId}/versions/${active.id}`, admin);
      expect(deleted.status).toBe(400);
      expect(deleted.body.detail).toContain('Activate another version before deleting it');

      expect((await app.request('DELETE', `/v3/templates/${templateId}/versions/${inactive.id}`, admin)).status).toBe(204);
      expect((await app.request('DELETE', `/v3/templates/${templateId}/versions/${active.id}`, admin)).status).toBe(204);
      const next = await addVersion(templateId, {});
      expect(next.active).toBe(1);
    });

    it('updates fields and generated text', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, { html_content: '<p>Old</p>', preheader: 'Before' });
      const path = `/v3/templates/${templateId}/versions/${version.id}`;

      const changed = await app.request('PATCH', path, admin, { html_content: '<p>New <b>text</b></p>', preheader: 'After', editor: 'design' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ plain_content: 'New text', preheader: 'After', editor: 'design', subject: 'Hi' });

      const own = await app.request('PATCH', path, admin, { plain_content: 'Written by hand' });
      expect(own.body).toMatchObject({ plain_content: 'Written by hand', generate_plain_content: false });
      const kept = await app.request('PATCH', path, admin, { html_content: '<p>Newer</p>' });
      expect(kept.body.plain_content).toBe('Written by hand');

      const fetched = await app.request('GET', path, admin);
      expect(fetched.body).toMatchObject({ html_content: '<p>Newer</p>', plain_content: 'Written by hand' });
      const listed = await app.request('GET', `/v3/templates/${templateId}/versions`, admin);
      expect(listed.body.result.map((entry: { id: string }) => entry.id)).toEqual([version.id]);
    });

    it('validates version fields', async () => {
      const templateId = await createTemplate();
      const post = (body: Record<string, unknown>) => app.request('POST', `/v3/templates/${templateId}/versions`, admin, { name: 'v', subject: 'Hi', ...body });

      expect((await post({ subject: 'x'.repeat(1001) })).status).toBe(400);
      expect((await post({ preheader: 'x'.repeat(501) })).status).toBe(400);
      expect((await post({ engine: 'mustache' })).status).toBe(400);
      expect((await post({ active: 2 })).status).toBe(400);
      expect((await post({ editor: 'visual' })).status).toBe(400);
      expect((await app.request('POST', '/v3/templates/d-00000000000000000000000000000000/versions', admin, { name: 'v', subject: 'Hi' })).status).toBe(404);
    });

    it('rejects unsafe eta code on save', async () => {
      const templateId = await createTemplate();
      const response = await app.request('POST', `/v3/templates/${templateId}/versions`, admin, { name: 'v', subject: 'Hi', engine: 'eta', html_content: '<%= process.env.HOME %>' });

      expect(response.status).toBe(400);
      expect(response.body.detail).toContain('"process" is not defined');
      expect(response.body.detail).toContain('html');
    });

    it('checks a changed engine', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, { html_content: '{{#if x}}yes{{/if}} <%= this %>' });
      const response = await app.request('PATCH', `/v3/templates/${templateId}/versions/${version.id}`, admin, { engine: 'eta' });

      expect(response.status).toBe(400);
      expect(response.body.detail).toContain('"this" is not allowed');
    });

    it('stores legacy versions without an engine', async () => {
      const templateId = await createTemplate('legacy');
      const version = await addVersion(templateId, { subject: '<%subject%>', html_content: '<div><%body%></div>' });
      expect(version.engine).toBe('legacy');

      const withEngine = await app.request('POST', `/v3/templates/${templateId}/versions`, admin, { name: 'v', subject: 'x', engine: 'eta' });
      expect(withEngine.status).toBe(400);
    });
  });

  describe('preview', () => {
    it('renders Handlebars with SendGrid helpers', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, {
        subject: 'Order {{id}} for {{insert name "default=Customer"}}',
        preheader: '{{length items}} items',
        html_content: '<body>{{#each items}}<li>{{this}}</li>{{/each}}{{#greaterThan total 100}}<b>Free shipping</b>{{else}}Shipping: 5{{/greaterThan}} {{formatDate when "MMM D, YYYY"}}</body>',
      });

      const preview = await app.request('POST', `/v3/templates/${templateId}/versions/${version.id}/preview`, admin, {
        dynamic_template_data: { id: 7, items: ['<pen>', 'ink'], total: 120, when: '2026-12-04T10:00:00Z' },
      });
      expect(preview.status).toBe(200);
      expect(preview.body.subject).toBe('Order 7 for Customer');
      expect(preview.body.html).toContain('>2 items</div>');
      expect(preview.body.html).toContain('<li>&lt;pen&gt;</li><li>ink</li><b>Free shipping</b> Dec 4, 2026</body>');
      expect(preview.body.text).toContain('Free shipping');
    });

    it('renders eta', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, {
        engine: 'eta',
        subject: 'Hi <%= it.name %>',
        html_content: '<ul><% for (const item of it.items) { %><li><%= item.label %></li><% } %></ul><% if (it.vip) { %>VIP<% } else { %>Member<% } %>',
        plain_content: '<%= upper(it.name) %>',
      });

      const preview = await app.request('POST', `/v3/templates/${templateId}/versions/${version.id}/preview`, admin, {
        dynamic_template_data: { name: 'A&B', items: [{ label: '<x>' }], vip: false },
      });
      expect(preview.body).toEqual({ subject: 'Hi A&B', html: '<ul><li>&lt;x&gt;</li></ul>Member', text: 'A&B' });
    });

    it('returns 400 for a render error', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, { engine: 'eta', html_content: '<%= it.user.name %>' });

      const preview = await app.request('POST', `/v3/templates/${templateId}/versions/${version.id}/preview`, admin, { dynamic_template_data: {} });
      expect(preview.status).toBe(400);
      expect(preview.body.detail).toContain(templateId);
      expect(preview.body.detail).toContain(version.id);
      expect(preview.body.detail).toContain('html: Cannot read properties of undefined');
    });

    it('returns 400 for an eta timeout', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, { engine: 'eta', html_content: '<% for (let i = 0; i < 1e12; i++) {} %>' });

      const preview = await app.request('POST', `/v3/templates/${templateId}/versions/${version.id}/preview`, admin, {});
      expect(preview.status).toBe(400);
      expect(preview.body.detail).toContain('timed out');
    });
  });

  describe('permissions', () => {
    it('requires templates.read, templates.write and templates.delete', async () => {
      const templateId = await createTemplate();
      const version = await addVersion(templateId, {});
      const reader = await app.adminToken('acme', ['templates.read']);
      const writer = await app.adminToken('acme', ['templates.read', 'templates.write']);

      expect((await app.request('GET', `/v3/templates/${templateId}`, reader)).status).toBe(200);
      expect((await app.request('POST', `/v3/templates/${templateId}/versions/${version.id}/preview`, reader, {})).status).toBe(200);
      const denied = await app.request('POST', `/v3/templates/${templateId}/versions`, reader, { name: 'v', subject: 'Hi' });
      expect(denied.status).toBe(403);
      expect(denied.body.detail).toBe('Missing required scope: templates.write');

      expect((await app.request('PATCH', `/v3/templates/${templateId}`, writer, { name: `renamed-${templateId}` })).status).toBe(200);
      const notDeleted = await app.request('DELETE', `/v3/templates/${templateId}`, writer);
      expect(notDeleted.status).toBe(403);
      expect(notDeleted.body.detail).toBe('Missing required scope: templates.delete');
    });

    it('hides templates of other tenants', async () => {
      const templateId = await createTemplate();
      const globex = await app.adminToken('globex');

      expect((await app.request('GET', `/v3/templates/${templateId}`, globex)).status).toBe(404);
      expect((await app.request('DELETE', `/v3/templates/${templateId}`, globex)).status).toBe(404);
      expect((await app.request('POST', `/v3/templates/${templateId}/versions`, globex, { name: 'v', subject: 'Hi' })).status).toBe(404);
    });
  });

  it('sends with an eta template', async () => {
    const templateId = await createTemplate();
    await addVersion(templateId, {
      engine: 'eta',
      subject: 'Receipt for <%= it.name %>',
      preheader: 'Total <%= it.total %>',
      html_content: '<html><body><p>Hello <%= it.name %></p><% for (const line of it.lines) { %><p><%= line.item %>: <%= line.price %></p><% } %></body></html>',
      plain_content: 'Hello <%= it.name %>, total <%= it.total %>',
    });

    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'ada@example.com' }], dynamic_template_data: { name: 'Ada & Co', total: '9.50', lines: [{ item: '<Tea>', price: '9.50' }] } }],
      from: FROM,
      template_id: templateId,
      mail_settings: { sandbox_mode: { enable: true } },
    });
    expect(sent.status).toBe(202);

    const message = await waitForStatus(app, admin, sent.body.message_id, ['sandbox']);
    expect(message.content.subject).toBe('Receipt for Ada & Co');
    const parsed = await simpleParser(message.mime);
    expect(parsed.subject).toBe('Receipt for Ada & Co');
    expect(parsed.html).toContain('<p>Hello Ada &amp; Co</p><p>&lt;Tea&gt;: 9.50</p>');
    expect(parsed.html).toContain('mso-hide:all">Total 9.50</div>');
    expect(parsed.text?.trim()).toBe('Hello Ada & Co, total 9.50');
  });
});
