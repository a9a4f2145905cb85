import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { AddressObject, ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { SMTPServer } from 'smtp-server';
import { createDnsResolver } from '../common/dns-resolver.js';
import { TestDnsServer } from '../../test/support/dns-server.js';
import { SmtpSink } from '../../test/support/smtp-sink.js';
import { buildMime } from './mime-builder.js';
import type { BuiltMime, DkimSigningKey, MailAddress, OutgoingMessage } from './mime-builder.js';
import { SmtpDelivery } from './smtp-delivery.js';
import type { DeliveryResult } from './smtp-delivery.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_KEY_RECORD = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const SELECTOR = 'scaisend';

function signingKey(domainName: string): DkimSigningKey {
  return { domainName, keySelector: SELECTOR, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

const EXAMPLE_KEY = signingKey('example.test');
const IDN_KEY = signingKey('bücher.example');

/** A received message with what the golden checks compare. */
interface RoundTrip {
  built: BuiltMime;
  result: DeliveryResult;
  received: Buffer;
  parsed: ParsedMail;
  dkim: string | undefined;
}

/** A real SMTP relay on 127.0.0.1 that records each command line as sent and can leave SMTPUTF8 out of EHLO. */
class RecordingRelay {
  readonly commands: string[] = [];
  readonly messages: { raw: Buffer; smtpUtf8: boolean }[] = [];
  private readonly server: SMTPServer;

  private constructor(offerSmtpUtf8: boolean) {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      hideSMTPUTF8: !offerSmtpUtf8,
      logger: {
        debug: (entry: { tnx?: string }, _prefix: string, line: unknown) => {
          if (entry.tnx === 'command') this.commands.push(String(line));
        },
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.messages.push({ raw: Buffer.concat(chunks), smtpUtf8: session.envelope.smtpUtf8 === true });
          callback(null);
        });
      },
    });
  }

  static async start(options: { offerSmtpUtf8: boolean }): Promise<RecordingRelay> {
    const relay = new RecordingRelay(options.offerSmtpUtf8);
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', () => resolve()));
    return relay;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** MAIL FROM and RCPT TO lines, as the client sent them. */
  envelopeCommands(): string[] {
    return this.commands.filter((command) => /^(MAIL FROM|RCPT TO):/i.test(command));
  }

  reset(): void {
    this.commands.length = 0;
    this.messages.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    messageId: 'msg_01GOLDEN',
    from: { email: 'sender@example.test', name: 'Sender' },
    to: [{ email: 'alice@example.org', name: 'Alice' }],
    cc: [],
    bcc: [],
    subject: 'Golden',
    html: '<p>Hello</p>',
    text: 'Hello',
    headers: {},
    date: new Date('2024-05-01T10:00:00Z'),
    ...overrides,
  };
}

function mailboxes(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => ({ email: entry.address ?? '', name: entry.name })));
}

/** Returns the header block of `raw` as latin1 text, in which one character is one octet. */
function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
}

/** Returns the first field named `name` as it appears in the message, folds included. */
function rawField(raw: Buffer, name: string): string {
  const match = new RegExp(`(?:^|\\r\\n)(${name}:.*(?:\\r\\n[ \\t].*)*)`, 'i').exec(headerBlock(raw));
  return match?.[1] ?? '';
}

/** RFC 5322 section 2.2.3: unfolding removes each CRLF that comes before whitespace. */
function unfold(field: string): string {
  return field.replace(/\r\n(?=[ \t])/g, '');
}

/** Decodes RFC 2047 encoded-words with mailparser, which decodes them in Subject but not in X- headers. */
async function decodeEncodedWords(text: string): Promise<string> {
  return (await simpleParser(Buffer.from(`Subject: ${text}\r\n\r\n`))).subject ?? '';
}

const ENCODED_WORDS = /^=\?UTF-8\?[QB]\?[^?\s]+\?=(?: =\?UTF-8\?[QB]\?[^?\s]+\?=)*$/;

function expectWellFormedLines(raw: Buffer): void {
  const text = raw.toString('latin1');
  const lines = text.slice(0, -2).split('\r\n');

  expect(text.endsWith('\r\n')).toBe(true);
  expect(lines.filter((line) => line.length > 998).map((line) => line.length)).toEqual([]);
  expect(lines.filter((line) => /[\r\n]/.test(line))).toEqual([]);
}

describe('golden MIME through a relay', () => {
  let dns: TestDnsServer;
  let sink: SmtpSink;
  let delivery: SmtpDelivery;
  let dkimResolver: (name: string, rrtype: string) => Promise<string[][]>;

  beforeAll(async () => {
    dns = await TestDnsServer.start();
    dns.setTxt(`${SELECTOR}._domainkey.example.test`, [PUBLIC_KEY_RECORD]);
    dns.setTxt(`${SELECTOR}._domainkey.xn--bcher-kva.example`, [PUBLIC_KEY_RECORD]);
    const resolver = createDnsResolver([dns.address]);
    dkimResolver = async (name, rrtype) => {
      if (rrtype !== 'TXT') throw Object.assign(new Error(`query ENODATA ${name}`), { code: 'ENODATA' });
      return resolver.resolveTxt(name);
    };

    sink = await SmtpSink.start();
    delivery = new SmtpDelivery({ relayUrl: `smtp://127.0.0.1:${sink.port}`, resolver });
  });

  beforeEach(() => sink.reset());

  afterAll(async () => {
    await delivery.close();
    await Promise.all([sink.stop(), dns.stop()]);
  });

  /**
   * Builds and signs `outgoing`, relays it (through the sink unless `via` names another delivery
   * and `arrived` where its message lands), then verifies and parses the bytes that arrived.
   */
  async function roundTrip(
    outgoing: OutgoingMessage,
    options: { key?: DkimSigningKey; via?: SmtpDelivery; arrived?: () => Promise<Buffer | undefined> } = {},
  ): Promise<RoundTrip> {
    const built = await buildMime(outgoing, options.key ?? EXAMPLE_KEY);
    const result = await (options.via ?? delivery).send(built.raw, built.envelope);
    const received = (await (options.arrived ?? (async () => (await sink.waitForMessages(1))[0]?.raw))()) ?? Buffer.alloc(0);
    const verification = await dkimVerify(received, { resolver: dkimResolver });

    return { built, result, received, parsed: await simpleParser(received), dkim: verification.results[0]?.status.result };
  }

  describe('encoded-words', () => {
    it.each([
      ['mixed scripts', 'Grüße aus Köln — 東京'],
      ['spaces around non-ASCII words', '   東京   大阪   '],
      ['emoji', 'Launch 🚀 day 🎉'],
      ['a long non-ASCII text', 'Straße und Grüße '.repeat(30).trim()],
    ])('round-trips a subject with %s', async (_case, subject) => {
      const trip = await roundTrip(message({ subject }));
      const field = unfold(rawField(trip.received, 'Subject'));

      expect(trip.dkim).toBe('pass');
      expect(trip.parsed.subject).toBe(subject);
      expect(field.slice('Subject: '.length)).toMatch(ENCODED_WORDS);
      expect(Math.max(...field.slice('Subject: '.length).split(' ').map((word) => word.length))).toBeLessThanOrEqual(75);
      expect(headerBlock(trip.received)).toMatch(/^[\x00-\x7f]*$/);
      expectWellFormedLines(trip.received);
    });

    it('writes the agreed encoded subject', async () => {
      const built = await buildMime(message({ subject: 'Grüße aus Köln — 東京' }), EXAMPLE_KEY);

      expect(rawField(built.raw, 'Subject')).toBe(
        'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln_=E2=80=94_?=\r\n =?UTF-8?Q?=E6=9D=B1=E4=BA=AC?=',
      );
    });

    it('round-trips non-ASCII display names', async () => {
      const from = { email: 'sender@example.test', name: 'Zoë Ångström' };
      const to = [
        { email: 'taro@example.org', name: '東京 太郎' },
        { email: 'greta@example.org', name: '  Grüße  ' },
        { email: 'ana@example.org', name: 'Ana 🌸 Silva' },
      ];
      const cc = [{ email: 'ops@example.org', name: 'Ünïcödé, "quoted" (team)' }];

      const trip = await roundTrip(message({ from, to, cc }));

      expect(trip.dkim).toBe('pass');
      expect(mailboxes(trip.parsed.from)).toEqual([from]);
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expect(mailboxes(trip.parsed.cc)).toEqual(cc);
      expect(headerBlock(trip.received)).toMatch(/^[\x00-\x7f]*$/);
      expect(unfold(rawField(trip.received, 'From'))).toMatch(/^From: =\?UTF-8\?Q\?Zo=C3=AB_=C3=85ngstr=C3=B6m\?= <sender@example\.test>$/);
      expectWellFormedLines(trip.received);
    });
  });

  describe('quoted display names', () => {
    const to = [
      { email: 'john@example.org', name: 'Doe, John' },
      { email: 'hi@example.org', name: 'Say "hi"' },
      { email: 'sales@example.org', name: 'Acme (Sales)' },
      { email: 'path@example.org', name: 'C:\\Users\\back' },
      { email: 'all@example.org', name: 'a, "b" (c) \\d <e>' },
      { email: 'lookalike@example.org', name: '=?UTF-8?Q?not_encoded?=' },
      { email: 'dots@example.org', name: 'J. R. R. Tolkien' },
    ];

    it('parses to one address per recipient with its name', async () => {
      const trip = await roundTrip(message({ to }));

      expect(trip.dkim).toBe('pass');
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expectWellFormedLines(trip.received);
    });

    it('quotes and escapes per RFC 5322', async () => {
      const built = await buildMime(message({ to: to.slice(0, 5) }), EXAMPLE_KEY);

      expect(unfold(rawField(built.raw, 'To'))).toBe(
        'To: "Doe, John" <john@example.org>, "Say \\"hi\\"" <hi@example.org>, "Acme (Sales)" <sales@example.org>, ' +
          '"C:\\\\Users\\\\back" <path@example.org>, "a, \\"b\\" (c) \\\\d <e>" <all@example.org>',
      );
    });
  });

  describe('internationalised addresses', () => {
    let relay: RecordingRelay;
    let plainRelay: RecordingRelay;

    beforeAll(async () => {
      relay = await RecordingRelay.start({ offerSmtpUtf8: true });
      plainRelay = await RecordingRelay.start({ offerSmtpUtf8: false });
    });

    beforeEach(() => {
      relay.reset();
      plainRelay.reset();
    });

    afterAll(async () => {
      await Promise.all([relay.stop(), plainRelay.stop()]);
    });

    async function viaRecorder(outgoing: OutgoingMessage, recorder: RecordingRelay, key = EXAMPLE_KEY): Promise<RoundTrip> {
      const recordingDelivery = new SmtpDelivery({ relayUrl: recorder.url, resolver: createDnsResolver([dns.address]) });
      try {
        return await roundTrip(outgoing, { key, via: recordingDelivery, arrived: async () => recorder.messages[0]?.raw });
      } finally {
        await recordingDelivery.close();
      }
    }

    it('sends IDN domains as A-labels in the envelope and headers', async () => {
      const from = { email: 'news@bücher.example', name: 'Bücher' };
      const to = [{ email: 'user@bücher.example', name: 'User' }];
      const cc = [{ email: 'ops@münchen.example', name: 'Ops' }];

      const trip = await viaRecorder(message({ from, to, cc }), relay, IDN_KEY);

      expect(relay.envelopeCommands()).toEqual([
        'MAIL FROM:<news@xn--bcher-kva.example>',
        'RCPT TO:<user@xn--bcher-kva.example>',
        'RCPT TO:<ops@xn--mnchen-3ya.example>',
      ]);
      expect(trip.result.recipients.map((recipient) => [recipient.email, recipient.accepted])).toEqual([
        ['user@bücher.example', true],
        ['ops@münchen.example', true],
      ]);
      expect(unfold(rawField(trip.received, 'From'))).toBe('From: =?UTF-8?Q?B=C3=BCcher?= <news@xn--bcher-kva.example>');
      expect(unfold(rawField(trip.received, 'To'))).toBe('To: User <user@xn--bcher-kva.example>');
      expect(trip.parsed.messageId).toBe('<msg_01GOLDEN@xn--bcher-kva.example>');
      expect(headerBlock(trip.received)).toMatch(/^[\x00-\x7f]*$/);
      // mailparser turns A-labels back into Unicode.
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expect(mailboxes(trip.parsed.cc)).toEqual(cc);
      expect(trip.dkim).toBe('pass');
      expectWellFormedLines(trip.received);
    });

    it('sends a non-ASCII local part over SMTPUTF8', async () => {
      const to = [
        { email: '用户@example.com', name: '用户' },
        { email: 'alice@example.org', name: 'Alice' },
      ];

      const trip = await viaRecorder(message({ to }), relay);

      expect(relay.envelopeCommands()).toEqual(['MAIL FROM:<sender@example.test> SMTPUTF8', 'RCPT TO:<用户@example.com>', 'RCPT TO:<alice@example.org>']);
      expect(relay.messages[0]?.smtpUtf8).toBe(true);
      expect(trip.result.recipients.map((recipient) => [recipient.email, recipient.accepted, recipient.code])).toEqual([
        ['用户@example.com', true, 250],
        ['alice@example.org', true, 250],
      ]);
      // RFC 6532: the address stays UTF-8 in the header, because punycode covers only domains.
      expect(trip.received.toString('utf8')).toContain('<用户@example.com>');
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expect(trip.dkim).toBe('pass');
      expectWellFormedLines(trip.received);
    });

    it('fails only the non-ASCII local part without SMTPUTF8', async () => {
      const to = [
        { email: '用户@example.com', name: '用户' },
        { email: 'alice@example.org', name: 'Alice' },
      ];

      const trip = await viaRecorder(message({ to }), plainRelay);
      const [unicodeRecipient, asciiRecipient] = trip.result.recipients;

      expect(unicodeRecipient).toMatchObject({ email: '用户@example.com', accepted: false, code: 553, enhancedStatus: '5.6.7' });
      expect(unicodeRecipient?.response).toMatch(/^553 5\.6\.7 .*does not offer SMTPUTF8/);
      expect(asciiRecipient).toMatchObject({ email: 'alice@example.org', accepted: true, code: 250 });
      expect(plainRelay.envelopeCommands()).toEqual(['MAIL FROM:<sender@example.test>', 'RCPT TO:<alice@example.org>']);
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expect(trip.dkim).toBe('pass');
      expectWellFormedLines(trip.received);
    });
  });

  describe('attachments', () => {
    const files = [
      { filename: 'Résumé – 東京 файл.pdf', content: randomBytes(3000), contentType: 'application/pdf' },
      { filename: 'naïve café 🎉.txt', content: randomBytes(500), contentType: 'text/plain' },
    ];

    it('encodes non-ASCII filenames per RFC 2231', async () => {
      const attachments = files.map((file) => ({ filename: file.filename, content: file.content.toString('base64'), contentType: file.contentType }));

      const trip = await roundTrip(message({ attachments }));

      expect(trip.dkim).toBe('pass');
      expect(trip.parsed.attachments.map((attachment) => attachment.filename)).toEqual(files.map((file) => file.filename));
      expect(trip.parsed.attachments.map((attachment, index) => attachment.content.equals(files[index]?.content ?? Buffer.alloc(0)))).toEqual([true, true]);
      expect(trip.received.toString('latin1')).toContain("filename*0*=utf-8''R%C3%A9sum%C3%A9%20%E2%80%93%20");
      expectWellFormedLines(trip.received);
    });

    it('wraps attachment base64 at 76 columns', async () => {
      const [file] = files;
      const attachments = [{ filename: 'data.bin', content: (file?.content ?? Buffer.alloc(0)).toString('base64') }];
      const wrapped = (attachments[0]?.content.match(/.{1,76}/g) ?? []).join('\r\n');

      const trip = await roundTrip(message({ attachments }));

      expect(trip.dkim).toBe('pass');
      expect(trip.received.toString('latin1')).toContain(`\r\n\r\n${wrapped}\r\n`);
      expectWellFormedLines(trip.received);
    });
  });

  describe('line limits', () => {
    it('folds long headers at whitespace only', async () => {
      const subject = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ');
      const listUnsubscribe = Array.from({ length: 15 }, (_, index) => `<https://mail.example.test/unsubscribe/${index}/${'u'.repeat(20)}>`).join(', ');
      const to = Array.from({ length: 40 }, (_, index) => ({ email: `user${index}@example.org`, name: `User Number ${index}` }));

      const trip = await roundTrip(message({ subject, to, headers: { 'List-Unsubscribe': listUnsubscribe, 'X-Notes': subject } }));
      const unsubscribeField = rawField(trip.received, 'List-Unsubscribe');

      expect(trip.dkim).toBe('pass');
      expect(unfold(unsubscribeField)).toBe(`List-Unsubscribe: ${listUnsubscribe}`);
      expect(unfold(rawField(trip.received, 'X-Notes'))).toBe(`X-Notes: ${subject}`);
      expect(unfold(rawField(trip.received, 'Subject'))).toBe(`Subject: ${subject}`);
      for (const name of ['List-Unsubscribe', 'X-Notes', 'Subject', 'To']) {
        const lines = rawField(trip.received, name).split('\r\n');
        expect(lines.length).toBeGreaterThan(1);
        expect(lines.filter((line) => line.length > 78)).toEqual([]);
      }
      expect(trip.parsed.subject).toBe(subject);
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expect((trip.built.headers['dkim-signature'] ?? '').replace(/\s+/g, '')).toContain(':list-unsubscribe');
      expectWellFormedLines(trip.received);
    });

    it('encodes an unstructured value too long to fold', async () => {
      const token = `tok_${randomBytes(1500).toString('hex')}`;
      const subject = 'x'.repeat(1500);

      const trip = await roundTrip(message({ subject, headers: { 'X-Token': token } }));
      const tokenValue = unfold(rawField(trip.received, 'X-Token')).slice('X-Token: '.length);

      expect(trip.dkim).toBe('pass');
      expect(tokenValue).toMatch(ENCODED_WORDS);
      expect(await decodeEncodedWords(tokenValue)).toBe(token);
      expect(trip.parsed.subject).toBe(subject);
      expectWellFormedLines(trip.received);
    });

    it('encodes a display name with a long unbroken run', async () => {
      const to = [{ email: 'long@example.org', name: 'N'.repeat(1200) }];

      const trip = await roundTrip(message({ to }));

      expect(trip.dkim).toBe('pass');
      expect(mailboxes(trip.parsed.to)).toEqual(to);
      expectWellFormedLines(trip.received);
    });

    it('keeps long body lines within limits', async () => {
      const html = `<p>${'x'.repeat(5000)}</p><p>${'Grüße '.repeat(400)}</p>`;
      const text = `${'y'.repeat(3000)}\n${'Köln '.repeat(300)}`;

      const trip = await roundTrip(message({ html, text }));

      expect(trip.dkim).toBe('pass');
      expect(trip.parsed.html).toBe(html);
      expect(trip.parsed.text).toBe(text);
      expectWellFormedLines(trip.received);
    });
  });

  describe('standard headers', () => {
    it('writes Message-ID, Date, MIME-Version and X-ScaiSend-Message-Id', async () => {
      const trip = await roundTrip(message());

      expect(trip.dkim).toBe('pass');
      expect(trip.parsed.messageId).toBe('<msg_01GOLDEN@example.test>');
      expect(trip.parsed.date?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
      expect(trip.parsed.headers.get('mime-version')).toBe('1.0');
      expect(trip.parsed.headers.get('x-scaisend-message-id')).toBe('msg_01GOLDEN');
      expect(trip.received.equals(trip.built.raw)).toBe(true);
      expectWellFormedLines(trip.received);
    });

    it('derives the text part from HTML only', async () => {
      const html = '<h1>Welcome</h1><p>Grüße &amp; more<br>today</p>';

      const trip = await roundTrip(message({ html, text: undefined }));

      expect(trip.dkim).toBe('pass');
      expect(trip.parsed.html).toBe(html);
      expect(trip.parsed.text?.trim()).toBe('Welcome\n\nGrüße & more\ntoday');
      expectWellFormedLines(trip.received);
    });
  });
});
