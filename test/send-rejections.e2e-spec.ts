import { MessageEntity } from '../lib/messages/message.entity.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, waitForStatus } from './support/walkthrough.js';

const FROM = { email: 'hello@mail.acme.test' };
const TO = [{ email: 'ada@example.com' }];
const CONTENT = [{ type: 'text/plain', value: 'Hello' }];
const VALID = { personalizations: [{ to: TO }], from: FROM, subject: 'Hi', content: CONTENT };

/** Malformed bodies and the error field each must name. */
const MALFORMED: Array<[string, unknown, string | null]> = [
  ['no personalizations', { from: FROM, subject: 'Hi', content: CONTENT }, 'personalizations'],
  ['empty personalizations', { ...VALID, personalizations: [] }, 'personalizations'],
  ['personalizations not an array', { ...VALID, personalizations: {} }, 'personalizations'],
  ['personalization not an object', { ...VALID, personalizations: ['x'] }, 'personalizations.0'],
  ['no to', { ...VALID, personalizations: [{}] }, 'personalizations.0.to'],
  ['to empty', { ...VALID, personalizations: [{ to: [] }] }, 'personalizations.0.to'],
  ['to not an array', { ...VALID, personalizations: [{ to: 'ada@example.com' }] }, 'personalizations.0.to'],
  ['bad to address', { ...VALID, personalizations: [{ to: [{ email: 'not-an-address' }] }] }, 'personalizations.0.to.0.email'],
  ['to address with a space', { ...VALID, personalizations: [{ to: [{ email: 'ada lovelace@example.com' }] }] }, 'personalizations.0.to.0.email'],
  ['to address with CRLF', { ...VALID, personalizations: [{ to: [{ email: 'ada@example.com\r\nBcc: x@y.z' }] }] }, 'personalizations.0.to.0.email'],
  ['bad cc address', { ...VALID, personalizations: [{ to: TO, cc: [{ email: 'x@' }] }] }, 'personalizations.0.cc.0.email'],
  ['bad bcc address', { ...VALID, personalizations: [{ to: TO, bcc: [{ email: '@x.com' }] }] }, 'personalizations.0.bcc.0.email'],
  ['email a number', { ...VALID, personalizations: [{ to: [{ email: 42 }] }] }, 'personalizations.0.to.0.email'],
  ['no from', { personalizations: [{ to: TO }], subject: 'Hi', content: CONTENT }, 'from'],
  ['from a string', { ...VALID, from: 'hello@mail.acme.test' }, 'from'],
  ['bad from address', { ...VALID, from: { email: 'hello' } }, 'from.email'],
  ['from name with CRLF', { ...VALID, from: { email: FROM.email, name: 'A\r\nB' } }, 'from.name'],
  ['no subject', { personalizations: [{ to: TO }], from: FROM, content: CONTENT }, 'subject'],
  ['subject with CRLF', { ...VALID, subject: 'Hi\r\nBcc: x@y.z' }, 'subject'],
  ['personalization subject with LF', { ...VALID, personalizations: [{ to: TO, subject: 'a\nb' }] }, 'personalizations.0.subject'],
  ['subject a number', { ...VALID, subject: 7 }, 'subject'],
  ['no content', { personalizations: [{ to: TO }], from: FROM, subject: 'Hi' }, 'content'],
  ['content not an array', { ...VALID, content: 'Hello' }, 'content'],
  ['html before text', { ...VALID, content: [{ type: 'text/html', value: '<p>x</p>' }, { type: 'text/plain', value: 'x' }] }, 'content'],
  ['content value a number', { ...VALID, content: [{ type: 'text/plain', value: 1 }] }, 'content.0.value'],
  ['template id without d-', { personalizations: [{ to: TO }], from: FROM, template_id: 'welcome' }, 'template_id'],
  ['unknown template', { personalizations: [{ to: TO }], from: FROM, template_id: 'd-00000000000000000000000000000000' }, 'template_id'],
  ['reserved header', { ...VALID, headers: { From: 'x@y.z' } }, 'headers.From'],
  ['header value with CRLF', { ...VALID, headers: { 'X-Custom': 'a\r\nBcc: x@y.z' } }, 'headers.X-Custom'],
  ['header value a number', { ...VALID, headers: { 'X-Custom': 1 } }, 'headers.X-Custom'],
  ['11 categories', { ...VALID, categories: Array.from({ length: 11 }, (_, index) => `c${index}`) }, 'categories'],
  ['custom_args value a number', { ...VALID, custom_args: { order: 1 } }, 'custom_args.order'],
  ['1001 personalizations', { ...VALID, personalizations: Array.from({ length: 1001 }, (_, index) => ({ to: [{ email: `u${index}@example.com` }] })) }, 'personalizations'],
  ['1001 recipients', { ...VALID, personalizations: [{ to: Array.from({ length: 1001 }, (_, index) => ({ email: `u${index}@example.com` })) }] }, 'personalizations.0.to'],
  ['send_at a string', { ...VALID, send_at: 'tomorrow' }, 'send_at'],
  ['body an array', [VALID], null],
  ['body null', null, null],
];

describe('send rejections', () => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    relay = await SmtpSink.start();
    app = await TestApp.start({ databaseUrl: database.url, config: { dnsServers: [dns.address], smtpRelayUrl: `smtp://127.0.0.1:${relay.port}` } });
    admin = await app.adminToken('acme');
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
  });

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await database?.drop();
  });

  it.each(MALFORMED)('%s is a 400 naming the field', async (_name, body, field) => {
    const response = await app.request('POST', '/v3/mail/send', admin, JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(Array.isArray(response.body.errors)).toBe(true);
    expect(response.body.errors.map((error: { field: string | null }) => error.field)).toContain(field);
  });

  it('stores nothing for rejected bodies', async () => {
    expect(await app.dataSource.getRepository(MessageEntity).count()).toBe(0);
    expect(await app.dataSource.query('SELECT COUNT(*)::int AS count FROM scaisend_daily_stats')).toEqual([{ count: 0 }]);
  });

  it('malformed JSON is a 400 in the errors shape', async () => {
    const response = await app.request('POST', '/v3/mail/send', admin, '{"personalizations": [');
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ field: null, help: null });
    expect(response.body.errors[0].message).toMatch(/not valid JSON/);
  });

  it('a body over 20 MB is a 413', async () => {
    const response = await app.request('POST', '/v3/mail/send', admin, JSON.stringify({ ...VALID, subject: 'x'.repeat(21 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body.errors[0].message).toMatch(/20 MB/);
  });

  it('an unknown key is a 401', async () => {
    const response = await app.request('POST', '/v3/mail/send', `sg_live_${'0'.repeat(32)}`, VALID);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ errors: [{ message: 'Invalid API key', field: null, help: null }] });
  });

  it('a missing Authorization header is a 401', async () => {
    const response = await app.request('GET', '/v3/messages', null);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: 'Missing Authorization header' });
  });

  it('a key without mail.send is a 403', async () => {
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'reader', scopes: ['stats.read'] });
    const response = await app.request('POST', '/v3/mail/send', key.body.api_key, VALID);
    expect(response.status).toBe(403);
    expect(response.body.errors[0].message).toBe('Missing required scope: mail.send');
  });

  it('a revoked key is a 401 at once', async () => {
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'short-lived', scopes: ['mail.send'] });
    expect((await app.request('DELETE', `/v3/api_keys/${key.body.id}`, admin)).status).toBe(204);
    expect((await app.request('POST', '/v3/mail/send', key.body.api_key, VALID)).status).toBe(401);
  });

  it('a live key from an unverified domain is a 403', async () => {
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'live', scopes: ['mail.send'] });
    const response = await app.request('POST', '/v3/mail/send', key.body.api_key, { ...VALID, from: { email: 'hello@unverified.test' } });
    expect(response.status).toBe(403);
    expect(response.body.errors[0]).toMatchObject({ message: 'Sender domain not verified', field: 'from.email' });
  });

  it('a test key and sandbox_mode keep the MIME and deliver nothing', async () => {
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'ci', environment: 'test', scopes: ['mail.send'] });
    expect(key.body.api_key).toMatch(/^sg_test_/);
    const fromTestKey = await app.request('POST', '/v3/mail/send', key.body.api_key, { ...VALID, from: { email: 'hello@unverified.test' } });
    const fromSandbox = await app.request('POST', '/v3/mail/send', admin, { ...VALID, mail_settings: { sandbox_mode: { enable: true } } });
    expect(fromTestKey.status).toBe(202);
    expect(fromSandbox.status).toBe(202);

    for (const [credential, id] of [[key.body.api_key, fromTestKey.body.message_id], [admin, fromSandbox.body.message_id]]) {
      const message = await waitForStatus(app, credential, id, ['sandbox']);
      expect(message.mime).toContain('Subject: Hi');
    }
    expect(relay.messages).toHaveLength(0);
  });
});
