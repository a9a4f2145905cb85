import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { MessageEntity } from '../lib/messages/message.entity.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { waitForStatus, welcomeTemplate } from './support/walkthrough.js';

const FROM = { email: 'hello@mail.acme.test' };
const TO = [{ email: 'ada@example.com' }];
const CONTENT = [{ type: 'text/plain', value: 'Hello' }];
const VALID = { personalizations: [{ to: TO }], from: FROM, subject: 'Hi', content: CONTENT };
const SANDBOX = { sandbox_mode: { enable: true } };
const PDF = Buffer.from('%PDF-1.4 example').toString('base64');

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

/** Valid bodies, sent in sandbox mode, and what the built MIME of their first message must show. */
const ACCEPTED: Array<[string, (templateId: string) => Record<string, unknown>, (mail: ParsedMail) => void]> = [
  ['minimal text', () => VALID, (mail) => expect(mail.text?.trim()).toBe('Hello')],
  ['text and html', () => ({ ...VALID, content: [...CONTENT, { type: 'text/html', value: '<p>Hello <b>Ada</b></p>' }] }), (mail) => expect(mail.html).toContain('<b>Ada</b>')],
  ['html only gets a text part', () => ({ ...VALID, content: [{ type: 'text/html', value: '<p>Hello there</p>' }] }), (mail) => expect(mail.text?.trim()).toBe('Hello there')],
  ['from name', () => ({ ...VALID, from: { ...FROM, name: 'Acme Support' } }), (mail) => expect(mail.from?.value[0]).toEqual({ address: 'hello@mail.acme.test', name: 'Acme Support' })],
  ['to name', () => ({ ...VALID, personalizations: [{ to: [{ email: 'ada@example.com', name: 'Ada Lovelace' }] }] }), (mail) => expect(addresses(mail.to)).toEqual(['Ada Lovelace <ada@example.com>'])],
  ['cc in headers', () => ({ ...VALID, personalizations: [{ to: TO, cc: [{ email: 'cc@example.com' }] }] }), (mail) => expect(addresses(mail.cc)).toEqual(['cc@example.com'])],
  ['bcc not in headers', () => ({ ...VALID, personalizations: [{ to: TO, bcc: [{ email: 'bcc@example.com' }] }] }), (mail) => expect(mail.headers.has('bcc')).toBe(false)],
  ['reply_to', () => ({ ...VALID, reply_to: { email: 'support@acme.test' } }), (mail) => expect(addresses(mail.replyTo)).toEqual(['support@acme.test'])],
  ['reply_to_list', () => ({ ...VALID, reply_to_list: [{ email: 'a@acme.test' }, { email: 'b@acme.test' }] }), (mail) => expect(addresses(mail.replyTo)).toEqual(['a@acme.test', 'b@acme.test'])],
  ['personalization subject', () => ({ ...VALID, subject: undefined, personalizations: [{ to: TO, subject: 'Own' }] }), (mail) => expect(mail.subject).toBe('Own')],
  ['non-ASCII subject', () => ({ ...VALID, subject: 'Grüße aus Köln' }), (mail) => expect(mail.subject).toBe('Grüße aus Köln')],
  ['custom header', () => ({ ...VALID, headers: { 'X-Campaign': 'spring' } }), (mail) => expect(mail.headers.get('x-campaign')).toBe('spring')],
  ['personalization header wins', () => ({ ...VALID, headers: { 'X-Tag': 'top' }, personalizations: [{ to: TO, headers: { 'X-Tag': 'own' } }] }), (mail) => expect(mail.headers.get('x-tag')).toBe('own')],
  ['attachment', () => ({ ...VALID, attachments: [{ content: PDF, filename: 'invoice.pdf', type: 'application/pdf' }] }), (mail) => expect(mail.attachments[0]?.filename).toBe('invoice.pdf')],
  [
    'inline image',
    () => ({ ...VALID, content: [{ type: 'text/html', value: '<img src="cid:logo">' }], attachments: [{ content: PDF, filename: 'logo.png', type: 'image/png', disposition: 'inline', content_id: 'logo' }] }),
    (mail) => expect(mail.attachments[0]?.contentId).toBe('<logo>'),
  ],
  ['substitutions', () => ({ ...VALID, subject: 'Hi -name-', personalizations: [{ to: TO, substitutions: { '-name-': 'Ada' } }] }), (mail) => expect(mail.subject).toBe('Hi Ada')],
  ['footer', () => ({ ...VALID, mail_settings: { ...SANDBOX, footer: { enable: true, text: 'Acme Inc.' } } }), (mail) => expect(mail.text).toContain('Acme Inc.')],
  ['template', (templateId) => ({ personalizations: [{ to: TO, dynamic_template_data: { name: 'Ada', plan: 'Pro' } }], from: FROM, template_id: templateId }), (mail) => expect(mail.subject).toBe('Welcome, Ada')],
  ['template escapes html', (templateId) => ({ personalizations: [{ to: TO, dynamic_template_data: { name: '<b>Ada</b>', plan: 'Pro' } }], from: FROM, template_id: templateId }), (mail) => expect(mail.html).toContain('&lt;b&gt;Ada&lt;/b&gt;')],
  ['categories and custom_args', () => ({ ...VALID, categories: ['receipts'], custom_args: { order: '42' } }), (mail) => expect(mail.subject).toBe('Hi')],
  ['ip_pool_name and asm', () => ({ ...VALID, ip_pool_name: 'transactional', asm: { group_id: 1, groups_to_display: [1, 2] } }), (mail) => expect(mail.subject).toBe('Hi')],
  ['tracking_settings', () => ({ ...VALID, tracking_settings: { click_tracking: { enable: true, enable_text: false }, open_tracking: { enable: true } } }), (mail) => expect(mail.subject).toBe('Hi')],
  ['bypass settings', () => ({ ...VALID, mail_settings: { ...SANDBOX, bypass_list_management: { enable: true } } }), (mail) => expect(mail.subject).toBe('Hi')],
  ['message headers', () => VALID, (mail) => expect([mail.headers.has('message-id'), mail.headers.has('date'), mail.headers.has('mime-version'), mail.headers.has('x-scaisend-message-id')]).toEqual([true, true, true, true])],
  ['long subject folded', () => ({ ...VALID, subject: 'word '.repeat(60).trim() }), (mail) => expect(mail.subject).toBe('word '.repeat(60).trim())],
];

function addresses(value: ParsedMail['to']): string[] {
  let list: AddressObject[] = [];
  if (Array.isArray(value)) list = value;
  else if (value) list = [value];
  return list.flatMap((entry) => entry.value.map((address) => (address.name ? `${address.name} <${address.address}>` : String(address.address))));
}

describe('send table', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;
  let templateId: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    ({ dns, relay, app, admin } = stack);
    templateId = await welcomeTemplate(app, admin);
  });

  afterAll(async () => {
    await stack?.stop();
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

  it.each(ACCEPTED)('%s is accepted and built', async (_name, body, check) => {
    const request = body(templateId);
    const response = await app.request('POST', '/v3/mail/send', admin, { ...request, mail_settings: { ...SANDBOX, ...(request.mail_settings as object) } });
    expect(response.status).toBe(202);

    const message = await waitForStatus(app, admin, response.body.message_id, ['sandbox']);
    const mail = await simpleParser(message.mime);
    check(mail);
    for (const line of (message.mime as string).split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
  });
});
