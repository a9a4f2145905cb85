import { simpleParser } from 'mailparser';
import type { AddressObject } from 'mailparser';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { verifyDkim, waitForStatus } from './support/walkthrough.js';

const FROM = { email: 'hello@mail.acme.test', name: 'Acme, "Support" (EU)' };

function mailboxes(field: AddressObject | AddressObject[] | undefined): { email: string; name: string }[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => ({ email: entry.address ?? '', name: entry.name })));
}

describe('MIME of sends through the API', () => {
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

  it('rejects a structured header that cannot be folded with a 400', async () => {
    const response = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to: [{ email: 'ada@example.com' }] }],
      from: FROM,
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
      headers: { 'List-Unsubscribe': `<https://mail.acme.test/u/${'a'.repeat(1200)}>` },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0].field).toBe('headers.List-Unsubscribe');
    expect(response.body.errors[0].message).toMatch(/folded only at whitespace/);
  });

  it('delivers hard headers that verify and parse back', async () => {
    const to = [
      { email: 'leser@bücher.example', name: '東京 太郎' },
      { email: '用户@example.com', name: 'Doe, John "JD" (Sales)' },
    ];
    const subject = '   Grüße aus Köln — 東京 🎉   ';
    const token = `tok_${'x'.repeat(2000)}`;
    const attachment = Buffer.from('%PDF-1.4 Grüße');

    const sent = await app.request('POST', '/v3/mail/send', admin, {
      personalizations: [{ to }],
      from: FROM,
      subject,
      content: [{ type: 'text/html', value: '<p>Grüße aus Köln</p>' }],
      headers: { 'X-Token': token },
      attachments: [{ filename: 'Rechnung – März.pdf', content: attachment.toString('base64'), type: 'application/pdf' }],
    });
    expect(sent.status).toBe(202);

    const [received] = await relay.waitForMessages(1);
    const raw = received?.raw ?? Buffer.alloc(0);
    const parsed = await simpleParser(raw);
    const lines = raw.toString('latin1').split('\r\n');

    expect(await verifyDkim(raw, dns)).toBe('pass');
    expect(received?.to).toEqual(['leser@bücher.example', '用户@example.com']);
    expect(parsed.subject).toBe(subject);
    expect(mailboxes(parsed.from)).toEqual([FROM]);
    expect(mailboxes(parsed.to)).toEqual(to);
    expect(parsed.text?.trim()).toBe('Grüße aus Köln');
    expect(parsed.attachments[0]?.filename).toBe('Rechnung – März.pdf');
    expect(parsed.attachments[0]?.content.equals(attachment)).toBe(true);
    expect(lines.filter((line) => line.length > 998)).toEqual([]);
    expect(lines.at(-1)).toBe('');

    const message = await waitForStatus(app, admin, sent.body.message_id, ['delivered']);
    expect(message.events.filter((event: { event_type: string }) => event.event_type === 'delivered')).toHaveLength(2);
  });
});
