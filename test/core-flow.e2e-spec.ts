import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, verifyDkim, waitForStatus, welcomeTemplate } from './support/walkthrough.js';

interface ReceivedWebhook {
  event: string;
  body: any;
  verified: boolean;
}

/** Starts a webhook receiver that checks signatures as the reference receivers do. */
async function startReceiver(getSecret: () => string, failFirst = 0): Promise<{ server: Server; url: string; received: ReceivedWebhook[]; attempts: number[] }> {
  const received: ReceivedWebhook[] = [];
  const attempts: number[] = [];
  let failuresLeft = failFirst;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const timestamp = String(request.headers['x-scaisend-timestamp']);
      attempts.push(Number(timestamp));
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(503).end();
        return;
      }
      const expected = createHmac('sha256', getSecret()).update(`${timestamp}.${body}`).digest('hex');
      const verified = expected === request.headers['x-scaisend-signature'] && Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
      received.push({ event: String(request.headers['x-scaisend-event']), body: JSON.parse(body), verified });
      response.writeHead(verified ? 200 : 401, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/scaisend`, received, attempts };
}

describe.each(['redis', 'postgres'] as const)('core flow on PostgreSQL with queues on %s', (queue) => {
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
      config: { dnsServers: [dns.address], smtpRelayUrl: `smtp://127.0.0.1:${relay.port}` },
      overrides: { webhookRetryDelays: [1, 1], deliveryRetryDelays: [1] },
    });
    admin = await app.adminToken('acme');
  });

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await database?.drop();
  });

  it('delivers a templated send through the relay', async () => {
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'transactional-prod', environment: 'live', scopes: ['mail.send'] });
    expect(key.status).toBe(201);
    expect(key.body.api_key).toMatch(/^sg_live_[0-9a-f]{32}$/);

    let secret = '';
    const receiver = await startReceiver(() => secret);
    const webhook = await app.request('POST', '/v3/user/webhooks', admin, { url: receiver.url, enabled_events: ['processed', 'delivered', 'bounce'] });
    expect(webhook.status).toBe(201);
    secret = webhook.body.signing_secret;

    const templateId = await welcomeTemplate(app, admin);
    const sent = await app.request('POST', '/v3/mail/send', key.body.api_key, {
      personalizations: [{ to: [{ email: 'ada@example.com' }], dynamic_template_data: { name: 'Ada', plan: 'Pro' } }],
      from: { email: 'hello@mail.acme.test', name: 'Acme' },
      template_id: templateId,
      categories: ['welcome', 'onboarding'],
    });
    expect(sent.status).toBe(202);
    expect(sent.body.message_id).toMatch(/^msg_/);

    const [received] = await relay.waitForMessages(1);
    const parsed = await simpleParser(received!.raw);
    expect(parsed.subject).toBe('Welcome, Ada');
    expect(parsed.text).toContain('your plan is Pro');
    expect(parsed.headers.get('x-scaisend-message-id')).toBe(sent.body.message_id);
    expect(await verifyDkim(received!.raw, dns)).toBe('pass');

    const message = await waitForStatus(app, key.body.api_key, sent.body.message_id, ['delivered']);
    expect(message.events.map((event: { event_type: string }) => event.event_type)).toEqual(['processed', 'delivered']);
    expect(message.content.subject).toBe('Welcome, Ada');

    await app.waitFor(async () => (receiver.received.length >= 2 ? true : undefined), 20_000, 'two webhooks');
    expect(receiver.received.map((webhook) => webhook.event).sort()).toEqual(['delivered', 'processed']);
    expect(receiver.received.every((webhook) => webhook.verified)).toBe(true);
    const delivered = receiver.received.find((webhook) => webhook.event === 'delivered')!.body;
    expect(delivered).toMatchObject({ message_id: sent.body.message_id, recipient_email: 'ada@example.com', tenant_id: 'acme', categories: ['welcome', 'onboarding'] });
    expect(delivered.event_id).toMatch(/^evt_/);

    const list = await app.request('GET', '/v3/messages?to_email=ada@example.com&page_size=50', key.body.api_key);
    expect(list.body.messages.map((row: { id: string }) => row.id)).toContain(sent.body.message_id);

    const today = new Date().toISOString().slice(0, 10);
    const stats = await app.request('GET', `/v3/stats?start_date=${today}`, admin);
    expect(stats.body.stats[0].metrics).toMatchObject({ requests: 1, processed: 1, delivered: 1 });
    receiver.server.close();
  });

  it('bounces a 550 5.1.1, suppresses the address and drops the next send', async () => {
    relay.onRcpt((address) => (address === 'gone@example.com' ? { code: 550, message: '5.1.1 User unknown' } : undefined));
    const body = { personalizations: [{ to: [{ email: 'gone@example.com' }] }], from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

    const first = await app.request('POST', '/v3/mail/send', admin, body);
    const bounced = await waitForStatus(app, admin, first.body.message_id, ['bounced']);
    const bounce = bounced.events.find((event: { event_type: string }) => event.event_type === 'bounce');
    expect(bounce.metadata).toMatchObject({ bounce_type: 'hard', status: '5.1.1' });

    const second = await app.request('POST', '/v3/mail/send', admin, body);
    const dropped = await waitForStatus(app, admin, second.body.message_id, ['failed']);
    expect(dropped.events).toEqual([expect.objectContaining({ event_type: 'dropped', metadata: { reason: 'suppressed_bounce' } })]);
    relay.onRcpt(() => undefined);
  });

  it('records a policy refusal as blocked without suppressing the address', async () => {
    relay.onRcpt((address) => (address === 'guarded@example.com' ? { code: 550, message: '5.7.1 Service unavailable; client host [127.0.0.1] blocked using zen.spamhaus.org' } : undefined));
    const body = { personalizations: [{ to: [{ email: 'guarded@example.com' }] }], from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

    const first = await app.request('POST', '/v3/mail/send', admin, body);
    const blocked = await waitForStatus(app, admin, first.body.message_id, ['bounced']);
    expect(blocked.events.map((event: { event_type: string }) => event.event_type)).toEqual(['processed', 'blocked']);
    expect(blocked.events[1].metadata).toMatchObject({ bounce_type: 'block', status: '5.7.1', classification: 'blocklist' });
    const blocks = await app.request('GET', '/v3/suppression/blocks?email=guarded@example.com', admin);
    expect(blocks.body.total).toBe(1);

    relay.onRcpt(() => undefined);
    const second = await app.request('POST', '/v3/mail/send', admin, body);
    await waitForStatus(app, admin, second.body.message_id, ['delivered']);
  });

  it('bounces a full mailbox as soft without suppressing the address', async () => {
    relay.onRcpt((address) => (address === 'full@example.com' ? { code: 552, message: '5.2.2 Mailbox full, quota exceeded' } : undefined));
    const body = { personalizations: [{ to: [{ email: 'full@example.com' }] }], from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

    const first = await app.request('POST', '/v3/mail/send', admin, body);
    const bounced = await waitForStatus(app, admin, first.body.message_id, ['bounced']);
    expect(bounced.events[1].metadata).toMatchObject({ bounce_type: 'soft', classification: 'mailbox_full' });
    expect((await app.request('GET', '/v3/suppression/bounces/full@example.com', admin)).status).toBe(404);
    relay.onRcpt(() => undefined);
  });

  it('defers a 451 once, then delivers', async () => {
    let refused = 0;
    relay.onRcpt((address) => (address === 'later@example.com' && refused++ === 0 ? { code: 451, message: '4.7.1 Try again later' } : undefined));
    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'later@example.com' }] }],
      from: { email: 'hello@mail.acme.test' },
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
    });

    const message = await waitForStatus(app, admin, sent.body.message_id, ['delivered'], 30_000);
    expect(message.events.map((event: { event_type: string }) => event.event_type)).toEqual(['processed', 'deferred', 'delivered']);
    expect(message.attempts).toBe(2);
    relay.onRcpt(() => undefined);
  });

  it('retries a failing webhook receiver on schedule, then delivers it', async () => {
    let secret = '';
    const receiver = await startReceiver(() => secret, 2);
    const webhook = await app.request('POST', '/v3/user/webhooks', admin, { url: receiver.url, enabled_events: ['delivered'] });
    secret = webhook.body.signing_secret;

    await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'hooks@example.com' }] }],
      from: { email: 'hello@mail.acme.test' },
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
    });

    await app.waitFor(async () => (receiver.received.length > 0 ? true : undefined), 30_000, 'the third webhook attempt');
    expect(receiver.attempts).toHaveLength(3);
    expect(receiver.received[0]!.verified).toBe(true);
    const listed = await app.request('GET', `/v3/user/webhooks/${webhook.body.id}`, admin);
    expect(listed.body.failure_count).toBe(0);
    expect(listed.body.last_success_at).not.toBeNull();
    await app.request('DELETE', `/v3/user/webhooks/${webhook.body.id}`, admin);
    receiver.server.close();
  });
});
