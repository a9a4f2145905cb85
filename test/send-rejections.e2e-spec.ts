import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { waitForStatus } from './support/walkthrough.js';

const FROM = { email: 'hello@mail.acme.test' };
const CONTENT = [{ type: 'text/plain', value: 'Hello' }];
const VALID = { personalizations: [{ to: [{ email: 'ada@example.com' }] }], from: FROM, subject: 'Hi', content: CONTENT };

describe('send rejections', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    ({ dns, relay, app, admin } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
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
