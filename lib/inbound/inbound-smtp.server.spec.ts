import nodemailer from 'nodemailer';
import { InboundSmtpServer } from './inbound-smtp.server.js';
import type { InboundResult, InboundScope } from './inbound.service.js';

const BOUNCE = 'From: MAILER-DAEMON@mx.example.test\r\nTo: bounces+abc@bounces.acme.test\r\nSubject: Undelivered Mail\r\n\r\nGone.\r\n';

/** Records what the server hands over and replies with a fixed result or error. */
class RecordingProcessor {
  readonly calls: Array<{ raw: string; scope: InboundScope; envelopeRecipients: string[] }> = [];
  failure: Error | null = null;

  async process(raw: Buffer, scope: InboundScope, envelopeRecipients: string[] = []): Promise<InboundResult> {
    this.calls.push({ raw: raw.toString('utf8'), scope, envelopeRecipients });
    if (this.failure) throw this.failure;
    return { kind: 'dsn', recipients: [] };
  }
}

interface SendOutcome {
  accepted: string[];
  rejected: string[];
  response: string;
}

describe('InboundSmtpServer', () => {
  let processor: RecordingProcessor;
  let server: InboundSmtpServer;

  beforeEach(async () => {
    processor = new RecordingProcessor();
    server = new InboundSmtpServer(processor, { port: 0, host: '127.0.0.1' });
    await server.onApplicationBootstrap();
  });

  afterEach(() => server.onApplicationShutdown());

  async function send(to: string[], raw: string): Promise<SendOutcome> {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port ?? 0, secure: false, ignoreTLS: true });
    try {
      return (await transport.sendMail({ envelope: { from: '', to }, raw })) as SendOutcome;
    } finally {
      transport.close();
    }
  }

  it('listens on an ephemeral port', () => {
    expect(server.port).toBeGreaterThan(0);
  });

  it('hands a bounce to the processor with its envelope recipients', async () => {
    const outcome = await send(['bounces+abc@bounces.acme.test'], BOUNCE);

    expect(outcome.accepted).toEqual(['bounces+abc@bounces.acme.test']);
    expect(outcome.response).toContain('Accepted dsn report');
    expect(processor.calls).toEqual([{ raw: expect.stringContaining('Subject: Undelivered Mail'), scope: {}, envelopeRecipients: ['bounces+abc@bounces.acme.test'] }]);
  });

  it('accepts the plain bounce address', async () => {
    const outcome = await send(['Bounces@bounces.acme.test'], BOUNCE);

    expect(outcome.accepted).toEqual(['Bounces@bounces.acme.test']);
  });

  it('rejects other recipients at RCPT', async () => {
    await expect(send(['ada@acme.test'], BOUNCE)).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('5.1.1') });
    expect(processor.calls).toEqual([]);
  });

  it('keeps only the bounce recipients of a mixed envelope', async () => {
    const outcome = await send(['ada@acme.test', 'bounces+abc@bounces.acme.test'], BOUNCE);

    expect(outcome.rejected).toEqual(['ada@acme.test']);
    expect(processor.calls[0].envelopeRecipients).toEqual(['bounces+abc@bounces.acme.test']);
  });

  it('replies 451 when processing fails', async () => {
    processor.failure = new Error('database unreachable');

    await expect(send(['bounces+abc@bounces.acme.test'], BOUNCE)).rejects.toMatchObject({ responseCode: 451 });
  });

  it('rejects a message over 10 MB', async () => {
    const large = `${BOUNCE}${'x'.repeat(998)}\r\n`.repeat(10_600);

    await expect(send(['bounces+abc@bounces.acme.test'], large)).rejects.toMatchObject({ responseCode: 552 });
    expect(processor.calls).toEqual([]);
  });

  it('stays stopped without options', async () => {
    const stopped = new InboundSmtpServer(processor, null);
    await stopped.onApplicationBootstrap();

    expect(stopped.port).toBeNull();
    await stopped.onApplicationShutdown();
  });
});
