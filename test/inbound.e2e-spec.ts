import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { DataSource } from 'typeorm';
import { configureScaiSendApp, SCAISEND_MIGRATIONS, ScaiSendModule } from '../lib/index.js';
import { parseInboundMessage } from '../lib/inbound/bounce-parser.js';
import { InboundSmtpServer } from '../lib/inbound/inbound-smtp.server.js';
import { RecordedReportEntity } from '../lib/inbound/recorded-report.entity.js';
import { verpAddress } from '../lib/inbound/verp.js';
import { createAdminToken } from '../sample-app/admin-token.js';
import { JwtPrincipalResolver } from '../sample-app/jwt-principal.resolver.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestDatabase } from './support/test-database.js';
import { publishRecords } from './support/walkthrough.js';

const SENDER_DOMAIN = 'mail.acme.test';
const RETURN_PATH_DOMAIN = `bounces.${SENDER_DOMAIN}`;
const SECRET_KEY = randomBytes(32).toString('hex');
const JWT_SECRET = randomBytes(32).toString('hex');

interface Response {
  status: number;
  body: any;
}

/** How a report names the message it is about. */
interface References {
  /** `X-ScaiSend-Message-Id` of the returned original. */
  scaisendId?: string;
  /** `Message-ID` of the returned original, with angle brackets. */
  messageIdHeader?: string;
}

interface DsnOptions extends References {
  recipient: string;
  status: string;
  diagnostic: string;
  /** @default 'failed' */
  action?: 'failed' | 'delayed';
  /** To of the report: the envelope sender of the original. @default the sender */
  to?: string;
}

/** Builds the header lines of a returned original message. */
function originalHeaders(recipient: string, references: References): string[] {
  return [
    `From: orders@${SENDER_DOMAIN}`,
    `To: ${recipient}`,
    'Subject: Your order',
    ...(references.messageIdHeader ? [`Message-ID: ${references.messageIdHeader}`] : []),
    ...(references.scaisendId ? [`X-ScaiSend-Message-Id: ${references.scaisendId}`] : []),
  ];
}

/** Builds an RFC 3464 delivery status notification for one recipient, with LF line ends. */
function dsn(options: DsnOptions): string {
  const boundary = `report-${randomBytes(6).toString('hex')}`;
  const delayed = options.action === 'delayed';
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${options.to ?? `orders@${SENDER_DOMAIN}`}`,
    `Subject: ${delayed ? 'Delayed Mail (still being retried)' : 'Undelivered Mail Returned to Sender'}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@mx.example.net>`,
    'Date: Fri, 04 Dec 2026 10:00:00 +0000',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    delayed
      ? 'This is the mail system at host mx.example.net. Your message was not delivered yet; the mail system will keep trying.'
      : 'This is the mail system at host mx.example.net. Your message could not be delivered to one or more recipients.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${options.recipient}`,
    `Action: ${options.action ?? 'failed'}`,
    `Status: ${options.status}`,
    'Remote-MTA: dns; mx.example.com',
    `Diagnostic-Code: smtp; ${options.diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    ...originalHeaders(options.recipient, options),
    '',
    `--${boundary}--`,
    '',
  ].join('\n');
}

/** Builds an RFC 5965 abuse report about one recipient, with the original attached. */
function arf(options: References & { recipient: string }): string {
  const boundary = `arf-${randomBytes(6).toString('hex')}`;
  return [
    'From: Feedback Loop <fbl@isp.example.net>',
    `To: fbl@${SENDER_DOMAIN}`,
    'Subject: Abuse report',
    `Message-ID: <${randomBytes(8).toString('hex')}@isp.example.net>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report for a message received from 192.0.2.1.',
    '',
    `--${boundary}`,
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    `Original-Mail-From: <orders@${SENDER_DOMAIN}>`,
    `Original-Rcpt-To: <${options.recipient}>`,
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    '',
    ...originalHeaders(options.recipient, options),
    '',
    'Thank you for your order.',
    `--${boundary}--`,
    '',
  ].join('\n');
}

/** Builds an out-of-office reply that quotes the original's ScaiSend id when given. */
function autoReply(from: string, scaisendId?: string): string {
  return [
    `From: ${from}`,
    `To: orders@${SENDER_DOMAIN}`,
    'Subject: Out of office: Your order',
    'Auto-Submitted: auto-replied',
    `Message-ID: <${randomBytes(8).toString('hex')}@example.com>`,
    '',
    'I am away until Monday.',
    ...(scaisendId ? ['', `> X-ScaiSend-Message-Id: ${scaisendId}`] : []),
    '',
  ].join('\n');
}

/** A real report, rewritten to name `recipient` and, when given, the ScaiSend message `id`. */
interface FixtureReport {
  file: string;
  /** Category of the one failed recipient, or null for a report that lists none. */
  category: 'hard' | 'soft' | 'block' | 'complaint' | null;
  /** The recipient the report names, replaced by the test's recipient. */
  original: string;
  /** Text after which the returned original's headers start, where the id header goes. */
  anchor: string;
}

const FIXTURE_REPORTS: FixtureReport[] = [
  { file: 'lhost-postfix-04.eml', category: 'hard', original: 'kijitora@example.co.jp', anchor: 'Content-Type: message/rfc822\n\n' },
  { file: 'lhost-gmail-04.eml', category: 'block', original: 'kijitora@example.com', anchor: '----- Original message -----\n\n' },
  { file: 'lhost-gmail-16.eml', category: 'soft', original: 'mailboxfull@bouncehammer.jp', anchor: '----- Original message -----\n\n' },
  { file: 'arf-02.eml', category: 'complaint', original: 'this-local-part-does-not-exist-on-yahoo@yahoo.com', anchor: 'Content-Type: message/rfc822\n\n' },
  { file: 'rfc3834-01.eml', category: null, original: 'kijitora@example.net', anchor: 'Kijitora, Nyaan.\n\n' },
];

function rewriteFixture(raw: string, fixture: FixtureReport, recipient: string, id: string | null): string {
  const addressed = raw.split(fixture.original).join(recipient);
  if (id === null) return addressed;

  const at = addressed.indexOf(fixture.anchor);
  if (at < 0) throw new Error(`${fixture.file} does not contain ${JSON.stringify(fixture.anchor)}`);
  const end = at + fixture.anchor.length;
  return `${addressed.slice(0, end)}X-ScaiSend-Message-Id: ${id}\n${addressed.slice(end)}`;
}

describe.each(['redis', 'postgres'] as const)('inbound bounces and complaints with queues on %s', (queueBackend) => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: INestApplication;
  let baseUrl: string;
  let queuePrefix: string;
  let admin: string;
  let other: string;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    relay = await SmtpSink.start();
    queuePrefix = `scaisend-test-${randomBytes(4).toString('hex')}`;
    const principalResolver = new JwtPrincipalResolver({ secret: JWT_SECRET });

    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: database.url, autoLoadEntities: true, migrations: SCAISEND_MIGRATIONS, migrationsRun: true }),
        ScaiSendModule.forRoot({
          queue:
            queueBackend === 'redis'
              ? { redis: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }, prefix: queuePrefix }
              : { postgres: { connectionString: database.url, migrate: true } },
          secretKey: SECRET_KEY,
          publicUrl: 'http://127.0.0.1',
          smtpRelayUrl: `smtp://127.0.0.1:${relay.port}`,
          dnsServers: [dns.address],
          principalResolver,
          inboundSmtp: { port: 0, host: '127.0.0.1' },
        }),
      ],
    }).compile();

    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    configureScaiSendApp(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    admin = await createAdminToken(JWT_SECRET, 'acme');
    other = await createAdminToken(JWT_SECRET, 'globex');
    await verifyDomain(SENDER_DOMAIN);
  });

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await database?.drop();
    if (queueBackend === 'redis') await deleteQueueKeys(queuePrefix);
  });

  async function request(method: string, route: string, token: string | null, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async function postReport(token: string, raw: string | Buffer, contentType = 'message/rfc822'): Promise<Response> {
    const response = await fetch(`${baseUrl}/api/admin/inbound`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: raw });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async function verifyDomain(domain: string): Promise<void> {
    const created = await request('POST', '/api/admin/domains', admin, { domain, dmarc_policy: 'none' });
    publishRecords(dns, created.body.dns_records);
    const verified = await request('POST', `/api/admin/domains/${created.body.id}/verify`, admin);
    if (!verified.body.verified) throw new Error(`Domain did not verify: ${JSON.stringify(verified.body)}`);
  }

  /** Sends one message to `to` and waits until the relay has accepted it. */
  async function sendMessage(to: string[]): Promise<string> {
    const sent = await request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: to.map((email) => ({ email })) }],
      from: { email: `orders@${SENDER_DOMAIN}` },
      subject: 'Your order',
      content: [{ type: 'text/plain', value: 'Thank you for your order.' }],
    });
    expect(sent.status).toBe(202);
    await messageWith(sent.body.message_id, (message) => message.status === 'delivered');
    return sent.body.message_id as string;
  }

  /** Polls a message of tenant acme until `check` passes, and returns it. */
  async function messageWith(id: string, check: (message: any) => boolean): Promise<any> {
    for (let poll = 0; poll < 200; poll++) {
      const message = await request('GET', `/v3/messages/${id}`, admin);
      if (message.status === 200 && check(message.body)) return message.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Message ${id} did not reach the expected state`);
  }

  async function eventsOf(id: string, type?: string): Promise<any[]> {
    const message = await request('GET', `/v3/messages/${id}`, admin);
    return (message.body.events as any[]).filter((event) => type === undefined || event.event_type === type);
  }

  async function sendOverSmtp(to: string[], raw: string | Buffer): Promise<{ accepted: string[]; response: string }> {
    const port = app.get(InboundSmtpServer).port ?? 0;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      return (await transport.sendMail({ envelope: { from: '', to }, raw })) as { accepted: string[]; response: string };
    } finally {
      transport.close();
    }
  }

  const verp = (messageId: string, secret = SECRET_KEY): string => verpAddress(messageId, RETURN_PATH_DOMAIN, secret);

  it('migration creates the table the entity describes', async () => {
    const check = new DataSource({ type: 'postgres', url: database.url, entities: [RecordedReportEntity] });
    await check.initialize();
    try {
      const pending = await check.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    } finally {
      await check.destroy();
    }
  });

  describe('POST /api/admin/inbound', () => {
    it('rejects other content types', async () => {
      const response = await postReport(admin, 'From: a@example.com\r\n\r\nHi\r\n', 'text/plain');

      expect(response.status).toBe(415);
      expect(response.body.detail).toContain('message/rfc822');
    });

    it('rejects an empty body', async () => {
      const response = await postReport(admin, '');

      expect(response.status).toBe(400);
      expect(response.body.detail).toContain('empty');
    });

    it('rejects a body over 10 MB', async () => {
      const response = await postReport(admin, Buffer.alloc(10 * 1024 * 1024 + 1, 'x'));

      expect(response.status).toBe(413);
    });

    it('needs suppressions.write', async () => {
      const readOnly = await createAdminToken(JWT_SECRET, 'acme', ['suppressions.read']);

      const response = await postReport(readOnly, autoReply('ada@example.com'));

      expect(response.status).toBe(403);
      expect(response.body.detail).toBe('Missing required scope: suppressions.write');
    });

    it('accepts API keys with suppressions.write', async () => {
      const created = await request('POST', '/v3/api_keys', admin, { name: 'bounces', scopes: ['suppressions.write'] });

      const response = await postReport(created.body.api_key, autoReply('ada@example.com'));

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ kind: 'auto_reply', recipients: [] });
    });
  });

  describe('bounces', () => {
    it('records a hard bounce and keeps a partly delivered message delivered', async () => {
      const id = await sendMessage(['ada@example.com', 'grace@example.com']);

      const response = await postReport(admin, dsn({ recipient: 'ada@example.com', status: '5.1.1', diagnostic: '550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown', scaisendId: id }));

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ kind: 'dsn', recipients: [{ email: 'ada@example.com', status: '5.1.1', category: 'hard', message_id: id }] });
      expect(await eventsOf(id, 'bounce')).toEqual([
        expect.objectContaining({
          recipient_email: 'ada@example.com',
          metadata: { bounce_type: 'hard', status: '5.1.1', reason: '550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown', classification: 'mailbox_unknown', smtp_response: '550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown' },
        }),
      ]);
      expect((await request('GET', `/v3/messages/${id}`, admin)).body.status).toBe('delivered');
      const suppression = await request('GET', '/v3/suppression/bounces/ada@example.com', admin);
      expect(suppression.status).toBe(200);
      expect(suppression.body).toEqual([expect.objectContaining({ email: 'ada@example.com', bounce_type: 'hard', status: '5.1.1' })]);

      const second = await postReport(admin, dsn({ recipient: 'grace@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', messageIdHeader: `<${id}@${SENDER_DOMAIN}>` }));

      expect(second.body.recipients).toEqual([{ email: 'grace@example.com', status: '5.1.1', category: 'hard', message_id: id }]);
      const bounced = await request('GET', `/v3/messages/${id}`, admin);
      expect(bounced.body.status).toBe('bounced');
      expect(bounced.body.error_message).toBe('550 5.1.1 User unknown');
      expect(bounced.body.events.filter((event: any) => event.event_type === 'delivered')).toHaveLength(2);
    });

    it('records the same report once', async () => {
      const id = await sendMessage(['linus@example.com']);
      const report = dsn({ recipient: 'linus@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', scaisendId: id });

      const first = await postReport(admin, report);
      const again = await postReport(admin, report);
      const withCrlf = await postReport(admin, report.replace(/\r?\n/g, '\r\n'));

      expect(again.body).toEqual(first.body);
      expect(withCrlf.body).toEqual(first.body);
      expect(await eventsOf(id, 'bounce')).toHaveLength(1);
    });

    it('finds a message by its VERP token', async () => {
      const id = await sendMessage(['barbara@example.com']);

      const response = await postReport(admin, dsn({ recipient: 'barbara@example.com', status: '5.7.1', diagnostic: '554 5.7.1 Service unavailable; Client host [192.0.2.49] blocked using zen.spamhaus.org', to: verp(id) }));

      expect(response.body).toEqual({ kind: 'dsn', recipients: [{ email: 'barbara@example.com', status: '5.7.1', category: 'block', message_id: id }] });
      expect(await eventsOf(id, 'blocked')).toEqual([expect.objectContaining({ recipient_email: 'barbara@example.com', metadata: expect.objectContaining({ bounce_type: 'block', status: '5.7.1' }) })]);
      expect((await request('GET', '/v3/suppression/blocks/barbara@example.com', admin)).status).toBe(200);
      expect((await request('GET', '/v3/suppression/bounces/barbara@example.com', admin)).status).toBe(404);
      expect((await request('GET', `/v3/messages/${id}`, admin)).body.status).toBe('bounced');
    });

    it('ignores a tampered VERP token', async () => {
      const id = await sendMessage(['edsger@example.com']);
      const forged = verp(id, randomBytes(32).toString('hex'));

      const response = await postReport(admin, dsn({ recipient: 'edsger@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', to: forged }));

      expect(response.body.recipients).toEqual([{ email: 'edsger@example.com', status: '5.1.1', category: 'hard', message_id: null }]);
      expect(await eventsOf(id, 'bounce')).toEqual([]);
    });

    it("matches only the caller's messages", async () => {
      const id = await sendMessage(['alan@example.com']);

      const response = await postReport(other, dsn({ recipient: 'alan@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', to: verp(id), scaisendId: id, messageIdHeader: `<${id}@${SENDER_DOMAIN}>` }));

      expect(response.status).toBe(200);
      expect(response.body.recipients).toEqual([{ email: 'alan@example.com', status: '5.1.1', category: 'hard', message_id: null }]);
      expect(await eventsOf(id, 'bounce')).toEqual([]);
      expect((await request('GET', '/v3/suppression/bounces/alan@example.com', other)).status).toBe(404);
    });

    it('records a soft bounce without suppressing the address', async () => {
      const id = await sendMessage(['ken@example.com']);

      const response = await postReport(admin, dsn({ recipient: 'ken@example.com', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full', scaisendId: id }));

      expect(response.body.recipients).toEqual([{ email: 'ken@example.com', status: '5.2.2', category: 'soft', message_id: id }]);
      expect(await eventsOf(id, 'bounce')).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ bounce_type: 'soft', status: '5.2.2' }) })]);
      expect((await request('GET', '/v3/suppression/bounces/ken@example.com', admin)).status).toBe(404);
    });

    it('records a delay as deferred', async () => {
      const id = await sendMessage(['dennis@example.com']);

      const response = await postReport(admin, dsn({ recipient: 'dennis@example.com', status: '4.4.7', diagnostic: '421 4.4.7 Connection timed out', action: 'delayed', scaisendId: id }));

      expect(response.body).toEqual({ kind: 'dsn', recipients: [] });
      expect(await eventsOf(id, 'deferred')).toEqual([expect.objectContaining({ recipient_email: 'dennis@example.com', metadata: { smtp_response: '421 4.4.7 Connection timed out', status: '4.4.7' } })]);
      expect((await request('GET', `/v3/messages/${id}`, admin)).body.status).toBe('delivered');
    });
  });

  describe('complaints and auto-replies', () => {
    it('records a complaint as a spam report', async () => {
      const id = await sendMessage(['margaret@example.com']);

      const response = await postReport(admin, arf({ recipient: 'margaret@example.com', scaisendId: id }));

      expect(response.body).toEqual({ kind: 'arf', recipients: [{ email: 'margaret@example.com', status: null, category: 'complaint', message_id: id }] });
      expect(await eventsOf(id, 'spam_report')).toEqual([expect.objectContaining({ recipient_email: 'margaret@example.com', metadata: { feedback_type: 'abuse' } })]);
      expect((await request('GET', '/v3/suppression/spam_reports/margaret@example.com', admin)).status).toBe(200);
      expect((await request('GET', `/v3/messages/${id}`, admin)).body.status).toBe('delivered');
    });

    it('records nothing for an auto-reply', async () => {
      const id = await sendMessage(['frances@example.com']);
      const before = await eventsOf(id);

      const response = await postReport(admin, autoReply('frances@example.com', id));

      expect(response.body).toEqual({ kind: 'auto_reply', recipients: [] });
      expect(await eventsOf(id)).toEqual(before);
    });
  });

  describe('inbound SMTP server', () => {
    it('records a bounce sent to the VERP address', async () => {
      const id = await sendMessage(['john@example.com']);

      const outcome = await sendOverSmtp([verp(id)], dsn({ recipient: 'john@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', to: `orders@${SENDER_DOMAIN}` }));

      expect(outcome.accepted).toEqual([verp(id)]);
      expect(await eventsOf(id, 'bounce')).toEqual([expect.objectContaining({ recipient_email: 'john@example.com', metadata: expect.objectContaining({ bounce_type: 'hard' }) })]);
      expect((await request('GET', '/v3/suppression/bounces/john@example.com', admin)).status).toBe(200);
    });

    it('needs a VERP token to match', async () => {
      const id = await sendMessage(['niklaus@example.com']);

      const outcome = await sendOverSmtp([`bounces@${RETURN_PATH_DOMAIN}`], dsn({ recipient: 'niklaus@example.com', status: '5.1.1', diagnostic: '550 5.1.1 User unknown', scaisendId: id }));

      expect(outcome.response).toContain('250');
      expect(await eventsOf(id, 'bounce')).toEqual([]);
    });

    it('rejects other recipients', async () => {
      await expect(sendOverSmtp([`orders@${SENDER_DOMAIN}`], autoReply('ada@example.com'))).rejects.toMatchObject({ responseCode: 550 });
    });
  });

  const fixtures = process.env.SCAISEND_FIXTURES_PATH ?? path.resolve(process.cwd(), '../shared/fixtures/bounces');
  const describeFixtures = existsSync(fixtures) || process.env.CI ? describe : describe.skip;

  describeFixtures('real reports', () => {
    const read = (file: string): string => readFileSync(path.join(fixtures, file), 'latin1');

    it.each(FIXTURE_REPORTS)('records rewritten $file', async (fixture) => {
      const recipient = `r${randomBytes(4).toString('hex')}@example.com`;
      const id = await sendMessage([recipient]);

      const response = await postReport(admin, rewriteFixture(read(fixture.file), fixture, recipient, id));

      expect(response.status).toBe(200);
      const expected = fixture.category === null ? [] : [{ email: recipient, status: fixture.category === 'complaint' ? null : expect.any(String), category: fixture.category, message_id: id }];
      expect(response.body.recipients).toEqual(expected);
      const types = (await eventsOf(id)).map((event) => event.event_type);
      const recorded = { hard: 'bounce', soft: 'bounce', block: 'blocked', complaint: 'spam_report' } as const;
      expect(types.filter((type) => !['processed', 'delivered'].includes(type))).toEqual(fixture.category === null ? [] : [recorded[fixture.category]]);
    });

    it('answers for every fixture as the parser reads it', async () => {
      const expected = JSON.parse(read('expected.json')) as Record<string, Array<{ category: string }>>;

      for (const file of Object.keys(expected)) {
        const raw = readFileSync(path.join(fixtures, file));
        const parsed = await parseInboundMessage(raw);

        const response = await postReport(admin, raw);

        const categories = (response.body.recipients as Array<{ category: string }>).map((recipient) => recipient.category);
        expect({ file, status: response.status, kind: response.body.kind, categories }).toEqual({ file, status: 200, kind: parsed.kind, categories: parsed.recipients.map((recipient) => recipient.category) });
        if (expected[file].every((entry) => entry.category === 'not_bounce')) expect({ file, categories }).toEqual({ file, categories: [] });
      }
    });

    it('accepts every fixture over SMTP', async () => {
      const files = Object.keys(JSON.parse(read('expected.json')) as Record<string, unknown>);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: app.get(InboundSmtpServer).port ?? 0, secure: false, ignoreTLS: true, pool: true, maxMessages: Infinity });

      try {
        for (const file of files) {
          const outcome = (await transport.sendMail({ envelope: { from: '', to: [`bounces@${RETURN_PATH_DOMAIN}`] }, raw: readFileSync(path.join(fixtures, file)) })) as { response: string };
          expect({ file, response: outcome.response.slice(0, 3) }).toEqual({ file, response: '250' });
        }
      } finally {
        transport.close();
      }
    });

    it('records a real bounce delivered over SMTP', async () => {
      const id = await sendMessage(['hedy@example.com']);
      const [postfix] = FIXTURE_REPORTS;

      const outcome = await sendOverSmtp([verp(id)], rewriteFixture(read(postfix.file), postfix, 'hedy@example.com', null));

      expect(outcome.accepted).toEqual([verp(id)]);
      expect(await eventsOf(id, 'bounce')).toEqual([expect.objectContaining({ recipient_email: 'hedy@example.com', metadata: expect.objectContaining({ bounce_type: 'hard', status: '5.1.1' }) })]);
    });
  });
});

/** Deletes the Redis keys of the suite's queues. */
async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
