import { jest } from '@jest/globals';
import { Client } from '@sendgrid/client';
import { SuppressionService } from '../lib/suppressions/suppression.service.js';
import type { SuppressionList } from '../lib/suppressions/suppression.entity.js';
import { TestDnsServer } from './support/dns-server.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { waitForStatus } from './support/walkthrough.js';

const MESSAGE = { from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

/** Unix seconds of a UTC date. */
const unix = (iso: string): number => Date.parse(iso) / 1000;

describe('suppressions API', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let app: TestApp;
  let admin: string;
  let other: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    ({ dns, app, admin } = stack);
    other = await app.adminToken('globex');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Posts a CSV body as it is, with the given content type. */
  async function postCsv(token: string, body: string, contentType = 'text/csv'): Promise<{ status: number; body: any }> {
    const response = await fetch(`${app.baseUrl}/v3/suppression/bounces/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** Adds entries the way the delivery and inbound paths do, for lists the API only reads. */
  async function seed(tenantId: string, list: SuppressionList, entries: Array<{ email: string; created?: string; reason?: string }>): Promise<void> {
    await app.app.get(SuppressionService).addIn(
      app.dataSource.manager,
      entries.map((entry) => ({ tenantId, list, email: entry.email, reason: entry.reason ?? null, createdAt: new Date(entry.created ?? Date.now()) })),
    );
  }

  describe('bounces', () => {
    it('adds a bounce in SendGrid shape', async () => {
      const created = await app.request('POST', '/v3/suppression/bounces', admin, { email: 'Ada@Example.com', reason: '550 5.1.1 User unknown', status: '5.1.1' });

      expect(created.status).toBe(201);
      expect(created.body).toEqual({ email: 'ada@example.com', created: expect.any(Number), reason: '550 5.1.1 User unknown', bounce_type: 'hard', status: '5.1.1' });
      expect(Math.abs(created.body.created - Date.now() / 1000)).toBeLessThan(600);
    });

    it('gets one bounce as an array, ignoring case', async () => {
      await app.request('POST', '/v3/suppression/bounces', admin, { email: 'grace@example.com', bounce_type: 'soft' });

      const found = await app.request('GET', '/v3/suppression/bounces/GRACE@example.com', admin);
      expect(found.status).toBe(200);
      expect(found.body).toEqual([expect.objectContaining({ email: 'grace@example.com', bounce_type: 'soft', reason: null })]);

      const missing = await app.request('GET', '/v3/suppression/bounces/nobody@example.com', admin);
      expect(missing.status).toBe(404);
      expect(missing.body.detail).toBe('nobody@example.com is not on the bounce list.');
    });

    it('rejects a duplicate and bad bounces', async () => {
      await app.request('POST', '/v3/suppression/bounces', admin, { email: 'twice@example.com' });

      const duplicate = await app.request('POST', '/v3/suppression/bounces', admin, { email: 'TWICE@example.com' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.detail).toBe('twice@example.com is already on the bounce list.');

      const invalid = await app.request('POST', '/v3/suppression/bounces', admin, { email: 'not-an-address', bounce_type: 'bouncy', status: 'x' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.detail.map((error: { loc: string[] }) => error.loc.join('.')).sort()).toEqual(['body.bounce_type', 'body.email', 'body.status']);
    });

    it('lists bounces with paging and filters', async () => {
      for (const email of ['page1@example.com', 'page2@example.com', 'page3@example.com']) {
        await app.request('POST', '/v3/suppression/bounces', other, { email });
      }

      const page = await app.request('GET', '/v3/suppression/bounces?limit=2&offset=1', other);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(3);
      expect(page.body.bounces).toHaveLength(2);
      expect(Object.keys(page.body.bounces[0]).sort()).toEqual(['bounce_type', 'created', 'email', 'reason', 'status']);

      const byEmail = await app.request('GET', '/v3/suppression/bounces?email=PAGE2@example.com', other);
      expect(byEmail.body).toEqual({ bounces: [expect.objectContaining({ email: 'page2@example.com' })], total: 1 });

      const now = Math.floor(Date.now() / 1000);
      expect((await app.request('GET', `/v3/suppression/bounces?start_time=${now + 3600}`, other)).body).toEqual({ bounces: [], total: 0 });
      expect((await app.request('GET', `/v3/suppression/bounces?end_time=${now - 3600}`, other)).body.total).toBe(0);
    });

    it('rejects bad list parameters', async () => {
      for (const query of ['limit=0', 'limit=501', 'offset=-1', 'start_time=abc', 'end_time=1e30']) {
        const response = await app.request('GET', `/v3/suppression/bounces?${query}`, admin);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(Array.isArray(response.body.detail)).toBe(true);
      }

      const reversed = await app.request('GET', '/v3/suppression/bounces?start_time=200&end_time=100', admin);
      expect(reversed.status).toBe(400);
      expect(reversed.body.detail).toBe('start_time (200) is after end_time (100).');
    });

    it('deletes one bounce, then 404', async () => {
      await app.request('POST', '/v3/suppression/bounces', admin, { email: 'once@example.com' });

      expect((await app.request('DELETE', '/v3/suppression/bounces/once@example.com', admin)).status).toBe(204);
      expect((await app.request('DELETE', '/v3/suppression/bounces/once@example.com', admin)).status).toBe(404);
    });

    it('deletes listed bounces from a JSON body', async () => {
      await app.request('POST', '/v3/suppression/bounces', admin, { email: 'list-a@example.com' });
      await app.request('POST', '/v3/suppression/bounces', admin, { email: 'list-b@example.com' });

      const deleted = await app.request('DELETE', '/v3/suppression/bounces', admin, { emails: ['LIST-A@example.com', 'absent@example.com'] });
      expect(deleted.status).toBe(204);
      expect((await app.request('GET', '/v3/suppression/bounces/list-a@example.com', admin)).status).toBe(404);
      expect((await app.request('GET', '/v3/suppression/bounces/list-b@example.com', admin)).status).toBe(200);
    });
  });

  describe('bounce import', () => {
    it('imports rows, skips duplicates, reports errors', async () => {
      await app.request('POST', '/v3/suppression/bounces', admin, { email: 'known@example.com' });
      const csv = [
        'email,reason',
        'new1@example.com,Mailbox full',
        'NEW2@example.com,"550 5.1.1 User unknown, permanently"',
        'known@example.com,already here',
        'new1@example.com,again in the file',
        'not-an-address,bad',
        '',
        ',no address',
        'new3@example.com',
      ].join('\r\n');

      const response = await postCsv(admin, csv);

      expect(response.status).toBe(200);
      expect(response.body.imported).toBe(3);
      expect(response.body.skipped).toBe(2);
      expect(response.body.errors).toEqual([
        { row: 6, message: '"not-an-address" is not a valid email address.' },
        { row: 8, message: 'The email column is empty.' },
      ]);
      const imported = await app.request('GET', '/v3/suppression/bounces/new2@example.com', admin);
      expect(imported.body[0]).toMatchObject({ reason: '550 5.1.1 User unknown, permanently', bounce_type: 'hard' });
      expect((await app.request('GET', '/v3/suppression/bounces/new3@example.com', admin)).body[0].reason).toBeNull();
    });

    it('imports a file without header', async () => {
      const response = await postCsv(admin, 'plain@example.com,x\n', 'text/csv; charset=utf-8');

      expect(response.body).toEqual({ imported: 1, skipped: 0, errors: [] });
    });

    it('rejects other content types and empty bodies', async () => {
      const json = await postCsv(admin, '{"email":"a@example.com"}', 'application/json');
      expect(json.status).toBe(415);
      expect(json.body.detail).toContain('text/csv');

      const empty = await postCsv(admin, '');
      expect(empty.status).toBe(400);
      expect(empty.body.detail).toBe('The CSV body is empty; send rows of email,reason.');
    });

    it('rejects a body over 5 MB', async () => {
      const row = 'someone@example.com,' + 'x'.repeat(80) + '\n';
      const response = await postCsv(admin, row.repeat(Math.ceil((5 * 1024 * 1024) / row.length) + 1));

      expect(response.status).toBe(413);
      expect(response.body.detail).toContain('5 MB');
    });
  });

  describe('delete_all', () => {
    it('requires the flag and then empties the list', async () => {
      const tenant = await app.adminToken('delete-all');
      await app.request('POST', '/v3/suppression/bounces', tenant, { email: 'a@example.com' });
      await app.request('POST', '/v3/suppression/bounces', tenant, { email: 'b@example.com' });

      const bare = await app.request('DELETE', '/v3/suppression/bounces', tenant);
      expect(bare.status).toBe(400);
      expect(bare.body.detail).toContain('?delete_all=true');
      expect((await app.request('DELETE', '/v3/suppression/bounces?delete_all=false', tenant)).status).toBe(400);
      expect((await app.request('DELETE', '/v3/suppression/bounces?delete_all=yes', tenant)).status).toBe(400);
      expect((await app.request('DELETE', '/v3/suppression/bounces', tenant, { delete_all: true, emails: ['a@example.com'] })).status).toBe(400);
      expect((await app.request('GET', '/v3/suppression/bounces', tenant)).body.total).toBe(2);

      expect((await app.request('DELETE', '/v3/suppression/bounces?delete_all=true', tenant)).status).toBe(204);
      expect((await app.request('GET', '/v3/suppression/bounces', tenant)).body.total).toBe(0);
    });

    it('accepts the flag in a JSON body', async () => {
      const tenant = await app.adminToken('delete-all-body');
      await app.request('POST', '/v3/suppression/bounces', tenant, { email: 'a@example.com' });

      expect((await app.request('DELETE', '/v3/suppression/bounces', tenant, { delete_all: true })).status).toBe(204);
      expect((await app.request('GET', '/v3/suppression/bounces', tenant)).body.total).toBe(0);
    });
  });

  describe.each([
    { path: 'spam_reports', list: 'spam_report' as const },
    { path: 'blocks', list: 'block' as const },
    { path: 'invalid_emails', list: 'invalid_email' as const },
  ])('$path', ({ path, list }) => {
    it('lists, filters by time, gets and deletes entries', async () => {
      const tenant = await app.adminToken(`tenant-${path}`);
      await seed(`tenant-${path}`, list, [
        { email: 'jan@example.com', created: '2026-01-01T00:00:00Z', reason: 'January' },
        { email: 'feb@example.com', created: '2026-02-01T00:00:00Z' },
        { email: 'mar@example.com', created: '2026-03-01T00:00:00Z' },
      ]);

      const all = await app.request('GET', `/v3/suppression/${path}`, tenant);
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(3);
      expect(all.body[path].map((entry: { email: string }) => entry.email)).toEqual(['mar@example.com', 'feb@example.com', 'jan@example.com']);
      expect(all.body[path][2]).toEqual({ email: 'jan@example.com', created: unix('2026-01-01T00:00:00Z'), reason: 'January', status: null });

      const window = await app.request('GET', `/v3/suppression/${path}?start_time=${unix('2026-01-01T00:00:00Z')}&end_time=${unix('2026-02-01T00:00:00Z')}`, tenant);
      expect(window.body[path].map((entry: { email: string }) => entry.email)).toEqual(['feb@example.com', 'jan@example.com']);

      expect((await app.request('GET', `/v3/suppression/${path}/feb@example.com`, tenant)).body).toEqual([expect.objectContaining({ email: 'feb@example.com' })]);
      expect((await app.request('DELETE', `/v3/suppression/${path}/feb@example.com`, tenant)).status).toBe(204);
      expect((await app.request('GET', `/v3/suppression/${path}/feb@example.com`, tenant)).status).toBe(404);
      expect((await app.request('DELETE', `/v3/suppression/${path}/feb@example.com`, tenant)).status).toBe(404);
    });

    it('deletes all only with the flag', async () => {
      const tenant = await app.adminToken(`purge-${path}`);
      await seed(`purge-${path}`, list, [{ email: 'a@example.com' }, { email: 'b@example.com' }]);

      expect((await app.request('DELETE', `/v3/suppression/${path}`, tenant)).status).toBe(400);
      expect((await app.request('GET', `/v3/suppression/${path}`, tenant)).body.total).toBe(2);
      expect((await app.request('DELETE', `/v3/suppression/${path}?delete_all=true`, tenant)).status).toBe(204);
      expect((await app.request('GET', `/v3/suppression/${path}`, tenant)).body).toEqual({ [path]: [], total: 0 });
    });
  });

  describe('global unsubscribes', () => {
    it('adds, lists, checks and deletes addresses', async () => {
      const tenant = await app.adminToken('global');
      const added = await app.request('POST', '/v3/asm/suppressions/global', tenant, { recipient_emails: ['Ada@Example.com', 'grace@example.com', 'ada@example.com'] });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ recipient_emails: ['ada@example.com', 'grace@example.com'] });
      expect((await app.request('POST', '/v3/asm/suppressions/global', tenant, { recipient_emails: ['grace@example.com'] })).status).toBe(201);

      const listed = await app.request('GET', '/v3/asm/suppressions/global', tenant);
      expect(listed.body).toHaveLength(2);
      expect(listed.body[0]).toEqual({ email: expect.any(String), created: expect.any(Number) });
      expect((await app.request('GET', '/v3/suppression/unsubscribes?email=grace@example.com', tenant)).body).toEqual([{ email: 'grace@example.com', created: expect.any(Number) }]);

      expect((await app.request('GET', '/v3/asm/suppressions/global/ADA@example.com', tenant)).body).toEqual({ recipient_email: 'ada@example.com' });
      expect((await app.request('DELETE', '/v3/asm/suppressions/global/ada@example.com', tenant)).status).toBe(204);
      const after = await app.request('GET', '/v3/asm/suppressions/global/ada@example.com', tenant);
      expect(after.status).toBe(200);
      expect(after.body).toEqual({});
      expect((await app.request('DELETE', '/v3/asm/suppressions/global/ada@example.com', tenant)).status).toBe(404);
    });

    it('rejects bad recipient lists', async () => {
      for (const body of [{ recipient_emails: [] }, { recipient_emails: ['nope'] }, { recipient_emails: 'ada@example.com' }, {}]) {
        const response = await app.request('POST', '/v3/asm/suppressions/global', admin, body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body.detail[0].loc).toEqual(['body', 'recipient_emails']);
      }
    });
  });

  describe('unsubscribe groups', () => {
    it('creates, lists, gets, renames and deletes groups', async () => {
      const tenant = await app.adminToken('groups');
      const created = await app.request('POST', '/v3/asm/groups', tenant, { name: 'Newsletters', description: 'Monthly news' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(Number), name: 'Newsletters', description: 'Monthly news', is_default: false });
      expect(Number.isInteger(created.body.id)).toBe(true);
      const id = created.body.id as number;

      await app.request('POST', `/v3/asm/groups/${id}/suppressions`, tenant, { recipient_emails: ['a@example.com', 'b@example.com'] });
      const second = await app.request('POST', '/v3/asm/groups', tenant, { name: 'Alerts', description: 'System alerts' });
      const listed = await app.request('GET', '/v3/asm/groups', tenant);
      expect(listed.body).toEqual([
        { id, name: 'Newsletters', description: 'Monthly news', is_default: false, unsubscribes: 2 },
        { id: second.body.id, name: 'Alerts', description: 'System alerts', is_default: false, unsubscribes: 0 },
      ]);
      expect((await app.request('GET', `/v3/asm/groups?id=${second.body.id}`, tenant)).body.map((group: { id: number }) => group.id)).toEqual([second.body.id]);

      const renamed = await app.request('PATCH', `/v3/asm/groups/${id}`, tenant, { name: 'News', description: 'Weekly news' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ id, name: 'News', description: 'Weekly news', is_default: false, unsubscribes: 2 });
      expect((await app.request('GET', `/v3/asm/groups/${id}`, tenant)).body.name).toBe('News');

      expect((await app.request('DELETE', `/v3/asm/groups/${id}`, tenant)).status).toBe(204);
      expect((await app.request('GET', `/v3/asm/groups/${id}`, tenant)).status).toBe(404);
      expect((await app.request('GET', `/v3/asm/groups/${id}/suppressions`, tenant)).status).toBe(404);
      expect((await app.request('DELETE', `/v3/asm/groups/${id}`, tenant)).status).toBe(404);
    });

    it('searches a group and lists unsubscriptions across groups', async () => {
      const tenant = await app.adminToken('group-lookups');
      const news = await app.request('POST', '/v3/asm/groups', tenant, { name: 'News', description: 'Weekly news' });
      const alerts = await app.request('POST', '/v3/asm/groups', tenant, { name: 'Alerts', description: 'System alerts' });
      await app.request('POST', `/v3/asm/groups/${news.body.id}/suppressions`, tenant, { recipient_emails: ['ada@example.com', 'bob@example.com'] });
      await app.request('POST', `/v3/asm/groups/${alerts.body.id}/suppressions`, tenant, { recipient_emails: ['ada@example.com'] });
      await app.request('POST', '/v3/asm/suppressions/global', tenant, { recipient_emails: ['global@example.com'] });

      const search = await app.request('POST', `/v3/asm/groups/${news.body.id}/suppressions/search`, tenant, { recipient_emails: ['Bob@Example.com', 'carol@example.com', 'ada@example.com'] });
      const all = await app.request('GET', '/v3/asm/suppressions', tenant);
      const ada = await app.request('GET', '/v3/asm/suppressions/ada@example.com', tenant);
      const global = await app.request('GET', '/v3/asm/suppressions/global', tenant);

      expect(search.status).toBe(200);
      expect(search.body).toEqual(['bob@example.com', 'ada@example.com']);
      expect(all.body).toEqual([
        { email: 'ada@example.com', group_id: news.body.id, group_name: 'News', created_at: expect.any(Number) },
        { email: 'bob@example.com', group_id: news.body.id, group_name: 'News', created_at: expect.any(Number) },
        { email: 'ada@example.com', group_id: alerts.body.id, group_name: 'Alerts', created_at: expect.any(Number) },
      ]);
      expect(ada.body).toEqual({
        suppressions: [
          { id: news.body.id, name: 'News', description: 'Weekly news', is_default: false, suppressed: true },
          { id: alerts.body.id, name: 'Alerts', description: 'System alerts', is_default: false, suppressed: true },
        ],
      });
      expect(global.body).toEqual([expect.objectContaining({ email: 'global@example.com' })]);
    });

    it('keeps one default group per tenant', async () => {
      const tenant = await app.adminToken('defaults');
      const first = await app.request('POST', '/v3/asm/groups', tenant, { name: 'First', description: 'one', is_default: true });
      const second = await app.request('POST', '/v3/asm/groups', tenant, { name: 'Second', description: 'two', is_default: true });
      const defaults = async () => (await app.request('GET', '/v3/asm/groups', tenant)).body.filter((group: { is_default: boolean }) => group.is_default).map((group: { id: number }) => group.id);

      expect(second.body.is_default).toBe(true);
      expect(await defaults()).toEqual([second.body.id]);

      const switched = await app.request('PATCH', `/v3/asm/groups/${first.body.id}`, tenant, { is_default: true });
      expect(switched.body.is_default).toBe(true);
      expect(await defaults()).toEqual([first.body.id]);

      await app.request('PATCH', `/v3/asm/groups/${first.body.id}`, tenant, { is_default: false });
      expect(await defaults()).toEqual([]);
    });

    it('rejects bad groups', async () => {
      const tenant = await app.adminToken('bad-groups');
      await app.request('POST', '/v3/asm/groups', tenant, { name: 'Taken', description: 'x' });

      const duplicate = await app.request('POST', '/v3/asm/groups', tenant, { name: 'Taken', description: 'y' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.detail).toBe('A suppression group named "Taken" already exists.');

      const tooLong = await app.request('POST', '/v3/asm/groups', tenant, { name: 'x'.repeat(31), description: 'd'.repeat(101), is_default: 'yes' });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.detail.map((error: { loc: string[] }) => error.loc.join('.')).sort()).toEqual(['body.description', 'body.is_default', 'body.name']);

      for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
        const response = await app.request('GET', `/v3/asm/groups/${id}`, tenant);
        expect({ id, status: response.status }).toEqual({ id, status: 400 });
      }
      expect((await app.request('GET', '/v3/asm/groups/2147483647', tenant)).status).toBe(404);
      expect((await app.request('GET', '/v3/asm/groups?id=abc', tenant)).status).toBe(400);
    });

    it('adds, lists and removes group suppressions', async () => {
      const tenant = await app.adminToken('members');
      const group = await app.request('POST', '/v3/asm/groups', tenant, { name: 'Digest', description: 'Daily digest' });
      const path = `/v3/asm/groups/${group.body.id}/suppressions`;

      const added = await app.request('POST', path, tenant, { recipient_emails: ['Ada@Example.com', 'grace@example.com'] });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ recipient_emails: ['ada@example.com', 'grace@example.com'] });
      await app.request('POST', path, tenant, { recipient_emails: ['ada@example.com'] });
      expect((await app.request('GET', path, tenant)).body).toEqual(['ada@example.com', 'grace@example.com']);

      expect((await app.request('DELETE', `${path}/ADA@example.com`, tenant)).status).toBe(204);
      expect((await app.request('GET', path, tenant)).body).toEqual(['grace@example.com']);
      expect((await app.request('DELETE', `${path}/ada@example.com`, tenant)).status).toBe(404);
      expect((await app.request('POST', path, tenant, { recipient_emails: ['bad'] })).status).toBe(400);
      expect((await app.request('POST', '/v3/asm/groups/2147483647/suppressions', tenant, { recipient_emails: ['a@example.com'] })).status).toBe(404);
    });
  });

  describe('access', () => {
    it('accepts API keys by scope', async () => {
      const reader = await app.request('POST', '/v3/api_keys', admin, { name: 'suppressions reader', scopes: ['suppressions.read'] });
      const key = reader.body.api_key as string;

      expect((await app.request('GET', '/v3/suppression/bounces', key)).status).toBe(200);
      expect((await app.request('GET', '/v3/asm/groups', key)).status).toBe(200);
      const write = await app.request('POST', '/v3/asm/suppressions/global', key, { recipient_emails: ['a@example.com'] });
      expect(write.status).toBe(403);
      expect(write.body.detail).toBe('Missing required scope: suppressions.write');

      const sender = await app.request('POST', '/v3/api_keys', admin, { name: 'sender', scopes: ['mail.send'] });
      const read = await app.request('GET', '/v3/suppression/blocks', sender.body.api_key);
      expect(read.status).toBe(403);
      expect(read.body.detail).toBe('Missing required scope: suppressions.read');
    });

    it('keeps tenants apart', async () => {
      const owner = await app.adminToken('owner');
      const stranger = await app.adminToken('stranger');
      await app.request('POST', '/v3/suppression/bounces', owner, { email: 'private@example.com' });
      await app.request('POST', '/v3/asm/suppressions/global', owner, { recipient_emails: ['private@example.com'] });
      const group = await app.request('POST', '/v3/asm/groups', owner, { name: 'Owned', description: 'x' });
      await app.request('POST', `/v3/asm/groups/${group.body.id}/suppressions`, owner, { recipient_emails: ['private@example.com'] });

      expect((await app.request('GET', '/v3/suppression/bounces', stranger)).body).toEqual({ bounces: [], total: 0 });
      expect((await app.request('GET', '/v3/suppression/bounces/private@example.com', stranger)).status).toBe(404);
      expect((await app.request('DELETE', '/v3/suppression/bounces/private@example.com', stranger)).status).toBe(404);
      expect((await app.request('DELETE', '/v3/suppression/bounces?delete_all=true', stranger)).status).toBe(204);
      expect((await app.request('GET', '/v3/asm/suppressions/global', stranger)).body).toEqual([]);
      expect((await app.request('GET', '/v3/asm/suppressions/global/private@example.com', stranger)).body).toEqual({});
      expect((await app.request('GET', '/v3/asm/groups', stranger)).body).toEqual([]);
      expect((await app.request('GET', `/v3/asm/groups/${group.body.id}`, stranger)).status).toBe(404);
      expect((await app.request('GET', `/v3/asm/groups/${group.body.id}/suppressions`, stranger)).status).toBe(404);
      expect((await app.request('PATCH', `/v3/asm/groups/${group.body.id}`, stranger, { name: 'Stolen' })).status).toBe(404);
      expect((await app.request('DELETE', `/v3/asm/groups/${group.body.id}`, stranger)).status).toBe(404);

      expect((await app.request('GET', '/v3/suppression/bounces', owner)).body.total).toBe(1);
      expect((await app.request('GET', `/v3/asm/groups/${group.body.id}`, owner)).body).toMatchObject({ name: 'Owned', unsubscribes: 1 });
    });
  });

  describe('@sendgrid/client', () => {
    it('manages groups and global unsubscribes', async () => {
      const created = await app.request('POST', '/v3/api_keys', admin, { name: 'sendgrid-sdk', scopes: ['suppressions.read', 'suppressions.write'] });
      // The client warns that the key does not start with "SG."; ScaiSend keys start with "sg_live_".
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      const client = new Client();
      client.setApiKey(created.body.api_key);
      warn.mockRestore();
      client.setDefaultRequest('baseUrl', app.baseUrl);

      const [group] = await client.request({ method: 'POST', url: '/v3/asm/groups', body: { name: 'SDK group', description: 'Made by the SDK' } });
      expect(group.statusCode).toBe(201);
      const groupId = (group.body as { id: number }).id;
      const [members] = await client.request({ method: 'POST', url: `/v3/asm/groups/${groupId}/suppressions`, body: { recipient_emails: ['sdk@example.com'] } });
      expect(members.body).toEqual({ recipient_emails: ['sdk@example.com'] });
      const [listed] = await client.request({ method: 'GET', url: `/v3/asm/groups/${groupId}/suppressions` });
      expect(listed.body).toEqual(['sdk@example.com']);

      await client.request({ method: 'POST', url: '/v3/asm/suppressions/global', body: { recipient_emails: ['sdk@example.com'] } });
      const [global] = await client.request({ method: 'GET', url: '/v3/asm/suppressions/global/sdk@example.com' });
      expect(global.body).toEqual({ recipient_email: 'sdk@example.com' });
      const [deleted] = await client.request({ method: 'DELETE', url: '/v3/suppression/bounces', body: { delete_all: true } });
      expect(deleted.statusCode).toBe(204);
    });
  });
});

describe.each(['redis', 'postgres'] as const)('suppressed sends with queues on %s', (queue) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ queue });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('drops global unsubscribes unless bypassed', async () => {
    const { app, admin, relay } = stack;
    const added = await app.request('POST', '/v3/asm/suppressions/global', admin, { recipient_emails: ['Leaver@Example.com'] });
    expect(added.status).toBe(201);
    const body = { ...MESSAGE, personalizations: [{ to: [{ email: 'leaver@example.com' }] }] };

    const dropped = await app.request('POST', '/v3/mail/send', admin, body);
    expect(dropped.status).toBe(202);
    const failed = await waitForStatus(app, admin, dropped.body.message_id, ['failed', 'delivered']);
    expect(failed.status).toBe('failed');
    expect(failed.events).toEqual([expect.objectContaining({ event_type: 'dropped', metadata: { reason: 'suppressed_unsubscribe' } })]);

    const bypassed = await app.request('POST', '/v3/mail/send', admin, { ...body, mail_settings: { bypass_unsubscribe_management: { enable: true } } });
    const delivered = await waitForStatus(app, admin, bypassed.body.message_id, ['failed', 'delivered']);
    expect(delivered.status).toBe('delivered');
    expect(relay.messages.some((message) => message.to.includes('leaver@example.com'))).toBe(true);
  });
});
