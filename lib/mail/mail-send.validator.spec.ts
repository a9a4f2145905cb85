import { isValidEmailAddress } from './mail-send.address.js';
import { isStrictBase64 } from './mail-send.attachments.js';
import { MAX_REPORTED_ERRORS } from './mail-send.errors.js';
import type { MailSendRequest } from './mail-send.types.js';
import { validateMailSend } from './mail-send.validator.js';

type JsonObject = Record<string, unknown>;

interface ValidationCase {
  name: string;
  body: unknown;
  ok: boolean;
  /** Exact set of `field` values the errors must carry (invalid cases only). */
  fields?: Array<string | null>;
}

const ATTACHMENT_BASE64 = Buffer.from('Hello, attachment!').toString('base64');
const LONG_BASE64 = Buffer.from('x'.repeat(200)).toString('base64');

/** Builds a minimal valid plain-text send, with top-level keys replaced by `changes` (undefined deletes). */
function validBody(changes: JsonObject = {}): JsonObject {
  const body: JsonObject = {
    personalizations: [{ to: [{ email: 'alice@example.com', name: 'Alice' }] }],
    from: { email: 'orders@example.com', name: 'Example Orders' },
    subject: 'Your order',
    content: [{ type: 'text/plain', value: 'Thank you for your order.' }],
    ...changes,
  };

  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      delete body[key];
    }
  }

  return body;
}

/** Builds a valid body with one personalization that has a recipient plus `fields`. */
function withPersonalization(fields: JsonObject): JsonObject {
  return validBody({ personalizations: [{ to: [{ email: 'alice@example.com' }], ...fields }] });
}

function addresses(count: number, domain = 'example.com'): JsonObject[] {
  return Array.from({ length: count }, (_, index) => ({ email: `user${index}@${domain}` }));
}

function attachment(fields: JsonObject = {}): JsonObject {
  return { content: ATTACHMENT_BASE64, filename: 'hello.txt', type: 'text/plain', ...fields };
}

/** A full body in the style of the example in SendGrid's v3 mail send reference. */
const FULL_EXAMPLE_BODY: JsonObject = {
  personalizations: [
    {
      to: [
        { email: 'john_doe@example.com', name: 'John Doe' },
        { email: 'julia_doe@example.com', name: 'Julia Doe' },
      ],
      cc: [{ email: 'jane_doe@example.com', name: 'Jane Doe' }],
      bcc: [{ email: 'james_doe@example.com', name: 'Jim Doe' }],
      headers: { 'X-Order-Id': '1234' },
      custom_args: { order_id: '1234' },
      send_at: 1617260400,
    },
    {
      to: [{ email: 'janice_doe@example.com', name: 'Janice Doe' }],
      bcc: [{ email: 'jordan_doe@example.com', name: 'Jordan Doe' }],
      subject: 'Your Example Order Confirmation (copy)',
    },
  ],
  from: { email: 'orders@example.com', name: 'Example Order Confirmation' },
  reply_to: { email: 'customer_service@example.com', name: 'Example Customer Service Team' },
  subject: 'Your Example Order Confirmation',
  content: [
    { type: 'text/plain', value: 'Hello from Example Order Confirmation!' },
    { type: 'text/html', value: '<p>Hello from Example Order Confirmation!</p>' },
  ],
  attachments: [{ content: LONG_BASE64, filename: 'index.html', type: 'text/html', disposition: 'attachment' }],
  headers: { 'X-Campaign': 'spring', 'List-Id': '<orders.example.com>' },
  categories: ['cake', 'pie', 'baking'],
  custom_args: { customer_id: '42' },
  send_at: 1617260400,
  batch_id: 'AsdFgHjklQweRTYuIopzXcVBNm0aSDfGHjklmZcVbNMqWerTyuiOPlkjhGfdsazxcvbnm',
  asm: { group_id: 12345, groups_to_display: [12345] },
  ip_pool_name: 'transactional email',
  mail_settings: {
    bypass_list_management: { enable: false },
    footer: { enable: false, text: 'Footer', html: '<p>Footer</p>' },
    sandbox_mode: { enable: false },
  },
  tracking_settings: {
    click_tracking: { enable: true, enable_text: false },
    open_tracking: { enable: true, substitution_tag: '%open-track%' },
    subscription_tracking: { enable: false },
    ganalytics: { enable: true, utm_source: 'newsletter', utm_campaign: 'spring' },
  },
};

const VALID_CASES: ValidationCase[] = [
  { name: 'content with template_id, checked against the template later', body: validBody({ template_id: 'd-1234' }), ok: true },
  { name: 'minimal plain send', body: validBody(), ok: true },
  {
    name: 'template send without subject',
    body: validBody({
      subject: undefined,
      content: undefined,
      template_id: 'd-0123456789abcdef0123456789abcdef',
      personalizations: [{ to: [{ email: 'alice@example.com' }], dynamic_template_data: { name: 'Alice', items: [1, 2] } }],
    }),
    ok: true,
  },
  {
    name: 'template with empty content',
    body: validBody({ content: [], subject: undefined, template_id: 'd-1' }),
    ok: true,
  },
  {
    name: 'every personalization has subject',
    body: validBody({
      subject: undefined,
      personalizations: [
        { to: [{ email: 'alice@example.com' }], subject: 'For Alice' },
        { to: [{ email: 'bob@example.com' }], subject: 'For Bob' },
      ],
    }),
    ok: true,
  },
  {
    name: 'attachments and inline image',
    body: validBody({
      attachments: [attachment(), attachment({ filename: 'logo.png', disposition: 'inline', content_id: 'logo' })],
    }),
    ok: true,
  },
  { name: 'full SendGrid-style example', body: FULL_EXAMPLE_BODY, ok: true },
  {
    name: 'IDN domain and unicode name',
    body: withPersonalization({ cc: [{ email: 'jürgen@bücher.de', name: 'Jürgen Müller' }] }),
    ok: true,
  },
  {
    name: 'same address in two personalizations',
    body: validBody({
      personalizations: [{ to: [{ email: 'alice@example.com' }] }, { to: [{ email: 'alice@example.com' }] }],
    }),
    ok: true,
  },
  {
    name: 'exactly 1000 recipients',
    body: validBody({ personalizations: [{ to: addresses(600) }, { to: addresses(300), bcc: addresses(100, 'example.org') }] }),
    ok: true,
  },
  {
    name: 'ten categories and attachments',
    body: validBody({
      categories: Array.from({ length: 10 }, (_, index) => `category-${index}`),
      attachments: Array.from({ length: 10 }, () => attachment()),
    }),
    ok: true,
  },
  {
    name: 'unknown settings keys ignored',
    body: validBody({ mail_settings: { spam_check: { enable: 'yes' } }, tracking_settings: { other: 1 } }),
    ok: true,
  },
];

const INVALID_CASES: ValidationCase[] = [
  { name: 'body null', body: null, ok: false, fields: [null] },
  { name: 'body an array', body: [validBody()], ok: false, fields: [null] },
  { name: 'body a number', body: 42, ok: false, fields: [null] },
  { name: 'body a string', body: 'hello', ok: false, fields: [null] },
  { name: 'missing personalizations', body: validBody({ personalizations: undefined }), ok: false, fields: ['personalizations'] },
  { name: 'empty personalizations', body: validBody({ personalizations: [] }), ok: false, fields: ['personalizations'] },
  {
    name: 'personalizations not an array',
    body: validBody({ personalizations: { to: [{ email: 'alice@example.com' }] } }),
    ok: false,
    fields: ['personalizations'],
  },
  {
    name: '1001 personalizations',
    body: validBody({ personalizations: addresses(1001).map((address) => ({ to: [address] })) }),
    ok: false,
    fields: ['personalizations'],
  },
  { name: 'personalization not an object', body: validBody({ personalizations: ['alice@example.com'] }), ok: false, fields: ['personalizations.0'] },
  { name: 'to missing', body: validBody({ personalizations: [{ subject: 'Hi' }] }), ok: false, fields: ['personalizations.0.to'] },
  { name: 'to empty', body: validBody({ personalizations: [{ to: [] }] }), ok: false, fields: ['personalizations.0.to'] },
  {
    name: 'to not an array',
    body: validBody({ personalizations: [{ to: { email: 'alice@example.com' } }] }),
    ok: false,
    fields: ['personalizations.0.to'],
  },
  {
    name: 'to with 1001 recipients',
    body: validBody({ personalizations: [{ to: addresses(1001) }] }),
    ok: false,
    fields: ['personalizations.0.to', 'personalizations'],
  },
  { name: 'to item a string', body: validBody({ personalizations: [{ to: ['alice@example.com'] }] }), ok: false, fields: ['personalizations.0.to.0'] },
  { name: 'to item without email', body: validBody({ personalizations: [{ to: [{ name: 'Alice' }] }] }), ok: false, fields: ['personalizations.0.to.0.email'] },
  {
    name: 'bad email in to',
    body: validBody({ personalizations: [{ to: [{ email: 'alice@example.com' }, { email: 'bob.example.com' }] }] }),
    ok: false,
    fields: ['personalizations.0.to.1.email'],
  },
  { name: 'bad email in cc', body: withPersonalization({ cc: [{ email: 'carol@' }] }), ok: false, fields: ['personalizations.0.cc.0.email'] },
  { name: 'bad email in bcc', body: withPersonalization({ bcc: [{ email: 'dave@localhost' }] }), ok: false, fields: ['personalizations.0.bcc.0.email'] },
  { name: 'cc not an array', body: withPersonalization({ cc: 'carol@example.com' }), ok: false, fields: ['personalizations.0.cc'] },
  {
    name: 'email with a space',
    body: validBody({ personalizations: [{ to: [{ email: 'alice smith@example.com' }] }] }),
    ok: false,
    fields: ['personalizations.0.to.0.email'],
  },
  {
    name: 'email with CRLF',
    body: validBody({ personalizations: [{ to: [{ email: 'alice@example.com\r\nBcc: eve@example.com' }] }] }),
    ok: false,
    fields: ['personalizations.0.to.0.email'],
  },
  { name: 'bad from email', body: validBody({ from: { email: 'orders' } }), ok: false, fields: ['from.email'] },
  { name: 'bad reply_to email', body: validBody({ reply_to: { email: 'support@@example.com' } }), ok: false, fields: ['reply_to.email'] },
  { name: 'missing from', body: validBody({ from: undefined }), ok: false, fields: ['from'] },
  { name: 'from as a string', body: validBody({ from: 'orders@example.com' }), ok: false, fields: ['from'] },
  {
    name: 'from name with CRLF',
    body: validBody({ from: { email: 'orders@example.com', name: 'Orders\r\nBcc: eve@example.com' } }),
    ok: false,
    fields: ['from.name'],
  },
  {
    name: 'to name with LF',
    body: validBody({ personalizations: [{ to: [{ email: 'alice@example.com', name: 'Alice\nSmith' }] }] }),
    ok: false,
    fields: ['personalizations.0.to.0.name'],
  },
  { name: 'subject missing without template', body: validBody({ subject: undefined }), ok: false, fields: ['subject'] },
  {
    name: 'subject missing in one personalization',
    body: validBody({
      subject: undefined,
      personalizations: [{ to: [{ email: 'alice@example.com' }], subject: 'Hi' }, { to: [{ email: 'bob@example.com' }] }],
    }),
    ok: false,
    fields: ['subject'],
  },
  { name: 'subject with CRLF', body: validBody({ subject: 'Hi\r\nBcc: eve@example.com' }), ok: false, fields: ['subject'] },
  { name: 'personalization subject with CRLF', body: withPersonalization({ subject: 'Hi\r\nX: y' }), ok: false, fields: ['personalizations.0.subject'] },
  { name: 'subject not a string', body: validBody({ subject: 42 }), ok: false, fields: ['subject'] },
  { name: 'null character in subject', body: validBody({ subject: 'Hi\u0000' }), ok: false, fields: ['subject'] },
  { name: 'null character in dynamic data', body: withPersonalization({ dynamic_template_data: { name: ['A\u0000'] } }), ok: false, fields: ['personalizations.0.dynamic_template_data.name.0'] },
  { name: 'null character in a custom_args key', body: validBody({ custom_args: { 'a\u0000': 'b' } }), ok: false, fields: ['custom_args.a\u0000'] },
  { name: 'content missing', body: validBody({ content: undefined }), ok: false, fields: ['content'] },
  { name: 'content empty', body: validBody({ content: [] }), ok: false, fields: ['content'] },
  { name: 'content value empty', body: validBody({ content: [{ type: 'text/plain', value: '' }] }), ok: false, fields: ['content.0.value'] },
  {
    name: 'html before plain',
    body: validBody({
      content: [
        { type: 'text/html', value: '<p>Hi</p>' },
        { type: 'text/plain', value: 'Hi' },
      ],
    }),
    ok: false,
    fields: ['content'],
  },
  {
    name: 'duplicate content type',
    body: validBody({
      content: [
        { type: 'text/plain', value: 'Hi' },
        { type: 'TEXT/PLAIN', value: 'Hello' },
      ],
    }),
    ok: false,
    fields: ['content.1.type'],
  },
  {
    name: 'content type with CRLF',
    body: validBody({ content: [{ type: 'text/plain\r\nX-Injected: 1', value: 'Hi' }] }),
    ok: false,
    fields: ['content.0.type'],
  },
  {
    name: 'legacy template_id',
    body: validBody({ content: undefined, template_id: '13b8f94f-bcae-4ec6-b752-70d6cb59f932' }),
    ok: false,
    fields: ['template_id'],
  },
  { name: 'template_id a number', body: validBody({ content: undefined, template_id: 1234 }), ok: false, fields: ['template_id'] },
  {
    name: '11 attachments',
    body: validBody({ attachments: Array.from({ length: 11 }, () => attachment()) }),
    ok: false,
    fields: ['attachments'],
  },
  { name: 'non-base64 attachment content', body: validBody({ attachments: [attachment({ content: 'not base64!' })] }), ok: false, fields: ['attachments.0.content'] },
  {
    name: 'base64 with line breaks',
    body: validBody({ attachments: [attachment({ content: `${LONG_BASE64.slice(0, 76)}\r\n${LONG_BASE64.slice(76)}` })] }),
    ok: false,
    fields: ['attachments.0.content'],
  },
  { name: 'base64 without padding', body: validBody({ attachments: [attachment({ content: 'YQ' })] }), ok: false, fields: ['attachments.0.content'] },
  { name: 'attachment without filename', body: validBody({ attachments: [attachment({ filename: undefined })] }), ok: false, fields: ['attachments.0.filename'] },
  { name: 'attachment filename too long', body: validBody({ attachments: [attachment({ filename: 'a'.repeat(256) })] }), ok: false, fields: ['attachments.0.filename'] },
  { name: 'unknown attachment disposition', body: validBody({ attachments: [attachment({ disposition: 'embedded' })] }), ok: false, fields: ['attachments.0.disposition'] },
  {
    name: 'inline attachment without content_id',
    body: validBody({ attachments: [attachment({ disposition: 'inline' })] }),
    ok: false,
    fields: ['attachments.0.content_id'],
  },
  { name: 'reserved header From', body: validBody({ headers: { From: 'eve@example.com' } }), ok: false, fields: ['headers.From'] },
  { name: 'reserved personalization header', body: withPersonalization({ headers: { 'message-id': '<x@example.com>' } }), ok: false, fields: ['personalizations.0.headers.message-id'] },
  { name: 'header value with CRLF', body: validBody({ headers: { 'X-Foo': 'a\r\nBcc: eve@example.com' } }), ok: false, fields: ['headers.X-Foo'] },
  { name: 'header value not a string', body: validBody({ headers: { 'X-Count': 3 } }), ok: false, fields: ['headers.X-Count'] },
  { name: 'header name with a space', body: validBody({ headers: { 'X Foo': 'bar' } }), ok: false, fields: ['headers.X Foo'] },
  { name: 'headers an array', body: validBody({ headers: ['X-Foo: bar'] }), ok: false, fields: ['headers'] },
  {
    name: '11 categories',
    body: validBody({ categories: Array.from({ length: 11 }, (_, index) => `category-${index}`) }),
    ok: false,
    fields: ['categories'],
  },
  { name: 'category of 256 characters', body: validBody({ categories: ['c'.repeat(256)] }), ok: false, fields: ['categories.0'] },
  { name: 'duplicate category', body: validBody({ categories: ['cake', 'pie', 'cake'] }), ok: false, fields: ['categories.2'] },
  { name: 'category not a string', body: validBody({ categories: ['cake', 7] }), ok: false, fields: ['categories.1'] },
  { name: 'custom_args number value', body: validBody({ custom_args: { order: 1234 } }), ok: false, fields: ['custom_args.order'] },
  { name: 'personalization custom_args not an object', body: withPersonalization({ custom_args: 'order=1' }), ok: false, fields: ['personalizations.0.custom_args'] },
  { name: 'send_at negative', body: validBody({ send_at: -1 }), ok: false, fields: ['send_at'] },
  { name: 'send_at not an integer', body: validBody({ send_at: 1617260400.5 }), ok: false, fields: ['send_at'] },
  { name: 'send_at a string', body: validBody({ send_at: '1617260400' }), ok: false, fields: ['send_at'] },
  { name: 'personalization send_at a string', body: withPersonalization({ send_at: 'now' }), ok: false, fields: ['personalizations.0.send_at'] },
  {
    name: 'duplicate address in personalization',
    body: withPersonalization({ cc: [{ email: 'Alice@Example.com' }] }),
    ok: false,
    fields: ['personalizations.0.cc.0.email'],
  },
  {
    name: '1001 recipients over personalizations',
    body: validBody({ personalizations: [{ to: addresses(500) }, { to: addresses(400), cc: addresses(101, 'example.org') }] }),
    ok: false,
    fields: ['personalizations'],
  },
  {
    name: 'substitutions over 10000 bytes',
    body: withPersonalization({ substitutions: { '-body-': 'é'.repeat(5000) } }),
    ok: false,
    fields: ['personalizations.0.substitutions'],
  },
  { name: 'dynamic_template_data an array', body: withPersonalization({ dynamic_template_data: [1] }), ok: false, fields: ['personalizations.0.dynamic_template_data'] },
  {
    name: 'reply_to and reply_to_list together',
    body: validBody({ reply_to: { email: 'help@example.com' }, reply_to_list: [{ email: 'help2@example.com' }] }),
    ok: false,
    fields: ['reply_to_list'],
  },
  { name: 'reply_to_list empty', body: validBody({ reply_to_list: [] }), ok: false, fields: ['reply_to_list'] },
  {
    name: 'sandbox_mode enable not a boolean',
    body: validBody({ mail_settings: { sandbox_mode: { enable: 'true' } } }),
    ok: false,
    fields: ['mail_settings.sandbox_mode.enable'],
  },
  { name: 'footer text not a string', body: validBody({ mail_settings: { footer: { enable: true, text: 5 } } }), ok: false, fields: ['mail_settings.footer.text'] },
  {
    name: 'click_tracking a boolean',
    body: validBody({ tracking_settings: { click_tracking: true, open_tracking: { enable: 1 } } }),
    ok: false,
    fields: ['tracking_settings.click_tracking', 'tracking_settings.open_tracking.enable'],
  },
  {
    name: 'asm with bad group ids',
    body: validBody({ asm: { group_id: '12', groups_to_display: Array.from({ length: 26 }, (_, index) => index) } }),
    ok: false,
    fields: ['asm.group_id', 'asm.groups_to_display'],
  },
  { name: 'ip_pool_name too short', body: validBody({ ip_pool_name: 'x' }), ok: false, fields: ['ip_pool_name'] },
  { name: 'batch_id a number', body: validBody({ batch_id: 5 }), ok: false, fields: ['batch_id'] },
  {
    name: 'several errors at once',
    body: {
      personalizations: [{ to: [{ email: 'not-an-address' }], cc: [{ email: 'bob@example.com' }, { email: 'BOB@example.com' }] }],
      from: 'orders@example.com',
      content: [{ type: 'text/html', value: '<p>Hi</p>' }, { type: 'text/plain', value: 'Hi' }],
      headers: { Subject: 'Injected' },
      categories: ['', 'ok'],
      send_at: -5,
      attachments: [{ content: 'abc', disposition: 'inline' }],
    },
    ok: false,
    fields: [
      'personalizations.0.to.0.email',
      'personalizations.0.cc.1.email',
      'from',
      'subject',
      'content',
      'headers.Subject',
      'categories.0',
      'send_at',
      'attachments.0.content',
      'attachments.0.filename',
      'attachments.0.content_id',
    ],
  },
];

/** Returns the validated value, failing the test with the errors when the body is rejected. */
function validValue(body: unknown): MailSendRequest {
  const result = validateMailSend(body);
  if (!result.ok) {
    throw new Error(`Expected a valid body, but got errors: ${JSON.stringify(result.errors)}`);
  }

  return result.value;
}

function errorFields(body: unknown): Array<string | null> {
  const result = validateMailSend(body);
  return result.ok ? [] : result.errors.map((error) => error.field);
}

describe('validateMailSend', () => {
  it('covers enough cases', () => {
    expect(INVALID_CASES.length).toBeGreaterThanOrEqual(32);
    expect(VALID_CASES.length + INVALID_CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(VALID_CASES)('accepts $name', ({ body }) => {
    const result = validateMailSend(body);

    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(INVALID_CASES)('rejects $name', ({ body, fields }) => {
    const result = validateMailSend(body);
    expect(result.ok).toBe(false);

    const actual = new Set(errorFields(body));
    for (const field of fields ?? []) {
      expect(actual).toContain(field);
    }
    expect([...actual].sort()).toEqual([...new Set(fields)].sort());
  });

  it('sets help to null on every error', () => {
    const result = validateMailSend(INVALID_CASES[INVALID_CASES.length - 1].body);

    expect(result.ok).toBe(false);
    for (const error of result.ok ? [] : result.errors) {
      expect(error.help).toBeNull();
    }
  });

  it('uses SendGrid wording', () => {
    const messageOf = (body: unknown, field: string): string | undefined => {
      const result = validateMailSend(body);
      return result.ok ? undefined : result.errors.find((error) => error.field === field)?.message;
    };

    expect(messageOf(validBody({ from: undefined }), 'from')).toBe(
      'The from object must be provided for every email send. It is an object that requires an email parameter, but may also contain a name parameter.',
    );
    expect(messageOf(validBody({ subject: undefined }), 'subject')).toBe(
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
    );
    expect(messageOf(withPersonalization({ bcc: [{ email: 'x' }] }), 'personalizations.0.bcc.0.email')).toBe(
      'Does not contain a valid address.',
    );
    expect(messageOf(validBody({ from: { email: 'x' } }), 'from.email')).toBe('The from email does not contain a valid address.');
    expect(messageOf(validBody({ personalizations: [{ to: { email: 'a@example.com' } }] }), 'personalizations.0.to')).toBe(
      'The to parameter must be an array.',
    );
  });

  it('defaults attachment disposition without mutating input', () => {
    const body = validBody({ attachments: [attachment()] });
    const value = validValue(body);

    expect(value.attachments?.[0].disposition).toBe('attachment');
    expect((body.attachments as JsonObject[])[0].disposition).toBeUndefined();
  });

  it('keeps the request fields in the value', () => {
    const value = validValue(FULL_EXAMPLE_BODY);

    expect(value.personalizations[0].cc?.[0].email).toBe('jane_doe@example.com');
    expect(value.tracking_settings?.open_tracking?.substitution_tag).toBe('%open-track%');
  });

  it('never throws on odd JSON', () => {
    const inputs: unknown[] = [
      undefined,
      true,
      0,
      '',
      [],
      {},
      JSON.parse('{"__proto__": {"polluted": true}, "personalizations": {"__proto__": []}, "from": {"__proto__": {"email": "a@example.com"}}}'),
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}, "headers": {"__proto__": "x", "constructor": 1}}'),
      { personalizations: [null, [], 1, 'x', { to: [null, [], { email: null, name: {} }] }] },
      { personalizations: [{ to: [{ email: 'a@example.com' }], headers: null, substitutions: [], custom_args: null }] },
      { attachments: [null, { content: {}, filename: [], disposition: null, content_id: 5 }], categories: [null, {}] },
      { mail_settings: [], tracking_settings: { ganalytics: null }, asm: { groups_to_display: [null, 1.5] } },
      { content: [null, { type: {}, value: [] }], reply_to_list: [null], template_id: {} },
      { personalizations: [[[[[[[[[[[]]]]]]]]]]] },
    ];

    for (const input of inputs) {
      expect(() => validateMailSend(input)).not.toThrow();
      expect(validateMailSend(input).ok).toBe(false);
    }
    expect(({} as JsonObject).polluted).toBeUndefined();
  });

  it('accepts prototype-like header names', () => {
    const fields = errorFields(JSON.parse('{"headers": {"constructor": "x", "toString": "y"}}'));

    expect(fields).not.toContain('headers.constructor');
    expect(fields).not.toContain('headers.toString');
  });

  it('caps the number of reported errors', () => {
    const body = validBody({ personalizations: [{ to: Array.from({ length: 100_000 }, () => ({ email: 'bad' })) }] });
    const result = validateMailSend(body);

    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(errors[errors.length - 1].field).toBeNull();
  });
});

describe('isValidEmailAddress', () => {
  it.each([
    'a@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'neil@example.com",
    'user@bücher.de',
    'ユーザー@例え.jp',
    'user@xn--bcher-kva.de',
    `${'é'.repeat(32)}@example.com`,
  ])('accepts %s', (email) => {
    expect(isValidEmailAddress(email)).toBe(true);
  });

  it.each([
    'plain',
    '@example.com',
    'a@',
    'a@example',
    'a@@example.com',
    'a@b@example.com',
    'a b@example.com',
    'a@exa mple.com',
    'a\r\n@example.com',
    'a@example.com\n',
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    'a@example..com',
    'a@-example.com',
    'a@example.123',
    '"a b"@example.com',
    'a@[192.0.2.1]',
    'Alice <a@example.com>',
    `${'a'.repeat(65)}@example.com`,
    `${'é'.repeat(33)}@example.com`,
    `a@${'b'.repeat(64)}.com`,
    `a@${'b'.repeat(250)}.com`,
  ])('rejects %j', (email) => {
    expect(isValidEmailAddress(email)).toBe(false);
  });
});

describe('isStrictBase64', () => {
  it.each(['', 'YQ==', 'YWI=', 'YWJj', 'SGVsbG8sIHdvcmxkIQ=='])('accepts %j', (text) => {
    expect(isStrictBase64(text)).toBe(true);
  });

  it.each(['YQ', 'YQ=', 'Y===', '====', 'YW=j', 'YW\nJj', 'YW Jj', 'YWJj\r\n', 'YW-_', 'YWJj YWJj'])('rejects %j', (text) => {
    expect(isStrictBase64(text)).toBe(false);
  });
});
