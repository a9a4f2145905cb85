import { generateKeyPairSync } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { AddressObject } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { buildMime } from './mime-builder.js';
import type { DkimSigningKey, OutgoingMessage } from './mime-builder.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const signingKey: DkimSigningKey = {
  domainName: 'example.test',
  keySelector: 'scaisend',
  privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};

const publicKeyRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

/** TXT look-up for mailauth that returns only the test selector record. */
async function dkimTxtResolver(name: string, rrtype: string): Promise<string[][]> {
  if (rrtype === 'TXT' && name === 'scaisend._domainkey.example.test') return [[publicKeyRecord]];
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
}

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: 'msg_01HX7Y',
    from: { email: 'sender@example.test', name: 'Sender' },
    to: [{ email: 'alice@example.org', name: 'Alice' }],
    cc: [{ email: 'carol@example.org' }],
    bcc: [{ email: 'bob@example.net' }],
    replyTo: [{ email: 'support@example.test' }],
    subject: 'Your receipt',
    html: '<p>Hello <b>Alice</b></p>',
    text: 'Hello Alice',
    headers: { 'X-Campaign': 'spring' },
    date: new Date('2024-05-01T10:00:00Z'),
    ...overrides,
  };
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

describe('buildMime', () => {
  it('sets standard and ScaiSend headers', async () => {
    const built = await buildMime(message());
    const parsed = await simpleParser(built.raw);

    expect(built.messageIdHeader).toBe('<msg_01HX7Y@example.test>');
    expect(parsed.messageId).toBe('<msg_01HX7Y@example.test>');
    expect(parsed.headers.get('x-scaisend-message-id')).toBe('msg_01HX7Y');
    expect(parsed.headers.get('x-campaign')).toBe('spring');
    expect(parsed.subject).toBe('Your receipt');
    expect(parsed.date?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(addressesOf(parsed.from)).toEqual(['sender@example.test']);
    expect(addressesOf(parsed.to)).toEqual(['alice@example.org']);
    expect(addressesOf(parsed.cc)).toEqual(['carol@example.org']);
    expect(addressesOf(parsed.replyTo)).toEqual(['support@example.test']);
  });

  it('writes the ScaiSend header name in its own casing', async () => {
    const built = await buildMime(message());

    expect(built.raw.toString()).toContain('\r\nX-ScaiSend-Message-Id: msg_01HX7Y\r\n');
  });

  it('keeps bcc in the envelope only', async () => {
    const built = await buildMime(message());
    const parsed = await simpleParser(built.raw);

    expect(built.envelope).toEqual({
      from: 'sender@example.test',
      to: ['alice@example.org', 'carol@example.org', 'bob@example.net'],
    });
    expect(parsed.bcc).toBeUndefined();
    expect(built.raw.toString()).not.toContain('bob@example.net');
  });

  it('lists each envelope recipient once', async () => {
    const built = await buildMime(message({ cc: [{ email: 'Alice@example.org' }], bcc: [] }));

    expect(built.envelope.to).toEqual(['alice@example.org']);
  });

  it('returns top-level headers by lowercase name', async () => {
    const built = await buildMime(message());

    expect(built.headers['message-id']).toBe('<msg_01HX7Y@example.test>');
    expect(built.headers['x-scaisend-message-id']).toBe('msg_01HX7Y');
    expect(built.headers['subject']).toBe('Your receipt');
    expect(built.headers['mime-version']).toBe('1.0');
    expect(built.headers['content-type']).toMatch(/^multipart\/alternative; boundary=/);
    expect(built.headers['bcc']).toBeUndefined();
    expect(built.headers['content-transfer-encoding']).toBeUndefined();
  });

  it('builds html and text alternatives', async () => {
    const parsed = await simpleParser((await buildMime(message())).raw);

    expect(parsed.text?.trim()).toBe('Hello Alice');
    expect(parsed.html).toBe('<p>Hello <b>Alice</b></p>');
  });

  it('derives a text part from html only', async () => {
    const html = '<html><head><style>p{}</style></head><body><h1>Welcome</h1><p>Fish &amp; chips<br>today</p></body></html>';
    const parsed = await simpleParser((await buildMime(message({ text: undefined, html }))).raw);

    expect(parsed.text?.trim()).toBe('Welcome\n\nFish & chips\ntoday');
    expect(parsed.html).toBe(html);
  });

  it('sends a text-only message as one part', async () => {
    const built = await buildMime(message({ html: undefined, text: 'Plain body' }));
    const parsed = await simpleParser(built.raw);

    expect(built.headers['content-type']).toMatch(/^text\/plain/);
    expect(parsed.text?.trim()).toBe('Plain body');
    expect(parsed.html).toBe(false);
  });

  it('ends every line with CRLF', async () => {
    const built = await buildMime(message({ text: 'line one\nline two\n' }));
    const text = built.raw.toString('latin1');

    expect(text).toContain('\r\n\r\n');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('round-trips a non-ASCII subject and name', async () => {
    const built = await buildMime(
      message({
        subject: 'Grüße aus Köln – 東京',
        from: { email: 'sender@example.test', name: 'Zoë Ångström' },
      }),
    );
    const parsed = await simpleParser(built.raw);

    expect(parsed.subject).toBe('Grüße aus Köln – 東京');
    expect(parsed.from?.value[0]?.name).toBe('Zoë Ångström');
    expect(built.raw.toString('latin1')).toMatch(/^[\x00-\x7f]*$/);
  });

  it('leaves out user headers that the builder writes', async () => {
    const built = await buildMime(message({ headers: { subject: 'Injected', Bcc: 'eve@example.net', 'X-Campaign': 'spring' } }));
    const text = built.raw.toString();

    expect(text.match(/^subject:/gim)).toHaveLength(1);
    expect(built.headers['subject']).toBe('Your receipt');
    expect(text).not.toContain('eve@example.net');
  });

  it('writes user header names as given', async () => {
    const built = await buildMime(message({ headers: { 'X-SMTPAPI': '{}', 'list-id': '<orders.example.test>' } }));

    expect(built.raw.toString()).toContain('\r\nX-SMTPAPI: {}\r\n');
    expect(built.raw.toString()).toContain('\r\nlist-id: <orders.example.test>\r\n');
  });

  it('rejects a user header it cannot fold', async () => {
    const headers = { 'List-Unsubscribe': `<https://mail.example.test/${'u'.repeat(1200)}>` };

    await expect(buildMime(message({ headers }))).rejects.toThrow('The header List-Unsubscribe cannot be written');
  });

  it('leaves the message unsigned without a key', async () => {
    const built = await buildMime(message());

    expect(built.headers['dkim-signature']).toBeUndefined();
  });
});

describe('buildMime DKIM', () => {
  it('signs a message that verifies', async () => {
    const built = await buildMime(message(), signingKey);
    const verification = await dkimVerify(built.raw, { resolver: dkimTxtResolver });

    expect(verification.results).toHaveLength(1);
    expect(verification.results[0]?.signingDomain).toBe('example.test');
    expect(verification.results[0]?.status.result).toBe('pass');
  });

  it('fails verification after a signed header changes', async () => {
    const built = await buildMime(message(), signingKey);
    const tampered = Buffer.from(built.raw.toString().replace('Subject: Your receipt', 'Subject: Your refund'));
    const verification = await dkimVerify(tampered, { resolver: dkimTxtResolver });

    expect(verification.results[0]?.status.result).toBe('fail');
  });

  it('signs the agreed header list', async () => {
    const built = await buildMime(message(), signingKey);
    const signature = built.headers['dkim-signature'] ?? '';
    const tags = new Map(signature.split(/;\s*/).map((tag) => tag.split('=', 2) as [string, string]));

    expect(tags.get('a')).toBe('rsa-sha256');
    expect(tags.get('c')).toBe('relaxed/relaxed');
    expect(tags.get('d')).toBe('example.test');
    expect(tags.get('s')).toBe('scaisend');
    expect(tags.get('h')?.replace(/\s+/g, '')).toBe('from:to:subject:date:message-id:mime-version:content-type');
  });

  it('signs List-Unsubscribe headers when present', async () => {
    const headers = {
      'List-Unsubscribe': '<https://mail.example.test/u/abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
    const built = await buildMime(message({ headers }), signingKey);
    const verification = await dkimVerify(built.raw, { resolver: dkimTxtResolver });
    const signedFields = (built.headers['dkim-signature'] ?? '').replace(/\s+/g, '');

    expect(signedFields).toContain('h=from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe:list-unsubscribe-post');
    expect(verification.results[0]?.status.result).toBe('pass');
  });

  it('signs a lowercase list-unsubscribe header', async () => {
    const built = await buildMime(message({ headers: { 'list-unsubscribe': '<https://mail.example.test/u/abc>' } }), signingKey);
    const verification = await dkimVerify(built.raw, { resolver: dkimTxtResolver });

    expect((built.headers['dkim-signature'] ?? '').replace(/\s+/g, '')).toContain(':list-unsubscribe');
    expect(verification.results[0]?.status.result).toBe('pass');
  });

  it('signs a non-ASCII message that verifies', async () => {
    const built = await buildMime(
      message({ subject: 'Grüße – 東京', html: '<p>Straße</p>', text: undefined, from: { email: 'sender@example.test', name: 'Zoë' } }),
      signingKey,
    );
    const verification = await dkimVerify(built.raw, { resolver: dkimTxtResolver });

    expect(verification.results[0]?.status.result).toBe('pass');
  });

  it('rejects an unusable private key', async () => {
    const badKey = { ...signingKey, privateKey: 'not a key' };

    await expect(buildMime(message(), badKey)).rejects.toThrow('DKIM signing failed for domain example.test');
  });
});

describe('buildMime attachments', () => {
  it('attaches files and inline images', async () => {
    const built = await buildMime(
      message({
        html: '<p><img src="cid:logo"></p>',
        attachments: [
          { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4').toString('base64'), contentType: 'application/pdf' },
          { filename: 'logo.png', content: Buffer.from('png').toString('base64'), contentType: 'image/png', disposition: 'inline', contentId: 'logo' },
        ],
      }),
    );
    const parsed = await simpleParser(built.raw);

    const invoice = parsed.attachments.find((attachment) => attachment.filename === 'invoice.pdf');
    const logo = parsed.attachments.find((attachment) => attachment.filename === 'logo.png');
    expect(parsed.attachments).toHaveLength(2);
    expect(invoice?.content.toString()).toBe('%PDF-1.4');
    expect(logo?.contentId).toBe('<logo>');
  });
});
