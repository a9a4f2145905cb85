import nodemailer from 'nodemailer';
import { InboundSmtpServer } from '../lib/inbound/inbound-smtp.server.js';
import { parseVerpToken, verpTokenOfAddress } from '../lib/inbound/verp.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { waitForStatus } from './support/walkthrough.js';

/** Builds a failure DSN for `recipient`, addressed to the VERP envelope sender as a receiving MTA sends it. */
function dsnTo(verp: string, recipient: string): string {
  return [
    'From: MAILER-DAEMON@mx.example.com',
    `To: ${verp}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'The mail could not be delivered.',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '--b1--',
    '',
  ].join('\r\n');
}

describe.each(['redis', 'postgres'] as const)('return path with queues on %s', (queue) => {
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
      overrides: { returnPath: { mxHost: 'inbound.acme.test' }, inboundSmtp: { port: 0, host: '127.0.0.1' } },
    });
    admin = await app.adminToken('acme');
  });

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await database?.drop();
  });

  it('VERP sender and its bounce', async () => {
    const created = await app.request('POST', '/api/admin/domains', admin, { domain: 'mail.acme.test' });
    const returnPath = created.body.dns_records.filter((record: { purpose: string }) => record.purpose === 'return_path');
    expect(returnPath.map((record: { type: string; host: string }) => `${record.type} ${record.host}`).sort()).toEqual(['MX bounces.mail.acme.test', 'TXT bounces.mail.acme.test']);

    for (const record of created.body.dns_records as Array<{ type: string; host: string; value: string }>) {
      if (record.type === 'MX') {
        const [priority, exchange] = record.value.split(' ');
        dns.setMx(record.host, [{ priority: Number(priority), exchange: exchange as string }]);
      } else {
        dns.setTxt(record.host, [record.value]);
      }
    }
    const verified = await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);
    expect(verified.body).toMatchObject({ verified: true, errors: [] });

    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'gone@example.com' }] }],
      from: { email: 'hello@mail.acme.test' },
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
    });
    const [received] = await relay.waitForMessages(1);
    expect(received!.from).toMatch(/^bounces\+[a-z2-7]+@bounces\.mail\.acme\.test$/);
    expect(parseVerpToken(verpTokenOfAddress(received!.from) as string, app.config.secretKey)).toBe(sent.body.message_id);
    await waitForStatus(app, admin, sent.body.message_id, ['delivered']);

    const response = await fetch(`${app.baseUrl}/api/admin/inbound`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'message/rfc822' },
      body: dsnTo(received!.from, 'gone@example.com'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: 'dsn', recipients: [{ email: 'gone@example.com', status: '5.1.1', category: 'hard', message_id: sent.body.message_id }] });

    const message = await waitForStatus(app, admin, sent.body.message_id, ['bounced']);
    expect(message.events.map((event: { event_type: string }) => event.event_type)).toEqual(['processed', 'delivered', 'bounce']);
  });

  it('unsubscribes through the List-Unsubscribe mailto address', async () => {
    relay.reset();
    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'reader@example.com' }] }],
      from: { email: 'hello@mail.acme.test' },
      subject: 'News',
      content: [{ type: 'text/html', value: '<html><body><p>News</p></body></html>' }],
      tracking_settings: { subscription_tracking: { enable: true } },
    });
    const [received] = await relay.waitForMessages(1);
    const mailto = /<mailto:([^>]+)>/.exec(received!.raw.toString())?.[1];
    expect(mailto).toMatch(/^unsubscribe\+/);

    const port = app.app.get(InboundSmtpServer).port as number;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'reader@example.com', to: mailto, subject: 'unsubscribe', text: 'unsubscribe' });
    transport.close();

    const message = await app.waitFor(async () => {
      const response = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
      return response.body.events.some((event: { event_type: string }) => event.event_type === 'unsubscribe') ? response.body : undefined;
    });
    expect(message.events.find((event: { event_type: string }) => event.event_type === 'unsubscribe').metadata).toEqual({ source: 'mailto' });
    expect((await app.request('GET', '/v3/asm/suppressions/global/reader@example.com', admin)).body).toEqual({ recipient_email: 'reader@example.com' });
  });
});
