import { simpleParser } from 'mailparser';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, verifyDkim, waitForStatus, welcomeTemplate } from './support/walkthrough.js';

describe('direct MX delivery', () => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let mx: SmtpSink;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    mx = await SmtpSink.start();
    app = await TestApp.start({ databaseUrl: database.url, config: { dnsServers: [dns.address], mxPort: mx.port } });
    admin = await app.adminToken('acme');
  });

  afterAll(async () => {
    await app?.close();
    await mx?.stop();
    await dns?.stop();
    await database?.drop();
  });

  it('delivers to the MX of the recipient domain with a valid DKIM signature', async () => {
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
    dns.setMx('example.org', [
      { exchange: 'mx-backup.example.org', priority: 20 },
      { exchange: 'mx1.example.org', priority: 10 },
    ]);
    dns.setA('mx1.example.org', ['127.0.0.1']);
    dns.setA('mx-backup.example.org', ['127.0.0.1']);
    const templateId = await welcomeTemplate(app, admin);

    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'ada@example.org', name: 'Ada Lovelace' }], dynamic_template_data: { name: 'Ada', plan: 'Pro' } }],
      from: { email: 'hello@mail.acme.test', name: 'Acme' },
      template_id: templateId,
    });
    expect(sent.status).toBe(202);

    const [received] = await mx.waitForMessages(1);
    expect(received!.to).toEqual(['ada@example.org']);
    expect((await simpleParser(received!.raw)).subject).toBe('Welcome, Ada');
    expect(await verifyDkim(received!.raw, dns)).toBe('pass');

    const message = await waitForStatus(app, admin, sent.body.message_id, ['delivered']);
    const delivered = message.events.find((event: { event_type: string }) => event.event_type === 'delivered');
    expect(delivered.metadata.mx_host).toBe('mx1.example.org');
  });

  it('bounces a recipient whose domain does not exist', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'nobody@no-such-domain.test' }] }],
      from: { email: 'hello@mail.acme.test' },
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
    });
    const message = await waitForStatus(app, admin, sent.body.message_id, ['bounced']);
    expect(message.events.map((event: { event_type: string }) => event.event_type)).toEqual(['processed', 'bounce']);
  });
});
