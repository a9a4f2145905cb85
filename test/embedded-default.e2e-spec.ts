import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../sample-app/embedded-database.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { verifiedDomain, verifyDkim, waitForStatus, welcomeTemplate } from './support/walkthrough.js';

/** The zero-set-up default: embedded PostgreSQL for data and for BullMQ's queues, no Redis. */
describe('core flow on embedded PostgreSQL without Redis', () => {
  let dataDir: string;
  let embedded: { url: string; stop(): Promise<void> };
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scaisend-embedded-'));
    embedded = await startEmbeddedPostgres(dataDir, () => undefined);
    dns = await TestDnsServer.start();
    relay = await SmtpSink.start();
    app = await TestApp.start({
      databaseUrl: embedded.url,
      queue: 'postgres',
      config: { dnsServers: [dns.address], smtpRelayUrl: `smtp://127.0.0.1:${relay.port}` },
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a templated message and reports it delivered', async () => {
    const admin = await app.adminToken('acme');
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'transactional', scopes: ['mail.send'] });
    const templateId = await welcomeTemplate(app, admin);

    const sent = await app.request('POST', '/v3/mail/send', key.body.api_key, {
      personalizations: [{ to: [{ email: 'ada@example.com' }], dynamic_template_data: { name: 'Ada', plan: 'Pro' } }],
      from: { email: 'hello@mail.acme.test' },
      template_id: templateId,
    });
    expect(sent.status).toBe(202);

    const [received] = await relay.waitForMessages(1, 20_000);
    expect(await verifyDkim(received!.raw, dns)).toBe('pass');
    const message = await waitForStatus(app, key.body.api_key, sent.body.message_id, ['delivered']);
    expect(message.events.map((event: { event_type: string }) => event.event_type)).toEqual(['processed', 'delivered']);
  });
});
