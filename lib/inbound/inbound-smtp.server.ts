import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { INBOUND_MAX_MESSAGE_BYTES, INBOUND_SMTP_OPTIONS, type InboundSmtpOptions } from './inbound-options.js';
import { InboundService } from './inbound.service.js';
import { UnsubscribeService } from '../tracking/unsubscribe.service.js';
import { BOUNCE_LOCAL_PART } from './verp.js';

const DEFAULT_HOST = '127.0.0.1';
/** `bounces@…` for feedback loops registered with a fixed address, and `bounces+<token>@…` for VERP. */
const BOUNCE_ADDRESS = new RegExp(`^${BOUNCE_LOCAL_PART}(\\+[^@]*)?@[^@]+$`, 'i');
/** `unsubscribe+<token>@…`, the `mailto:` target of List-Unsubscribe. */
const UNSUBSCRIBE_ADDRESS = /^unsubscribe\+[^@]+@[^@]+$/i;

interface ReplyError extends Error {
  responseCode: number;
}

function replyError(code: number, message: string): ReplyError {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The SMTP server that the return-path domains' MX records point at. It accepts mail for the
 * bounce address only and hands each message to {@link InboundService}. It replies 250 also when
 * a report matched nothing, so the sending MTA does not retry it, and 451 when processing failed,
 * so the MTA delivers it again later. It runs only when {@link INBOUND_SMTP_OPTIONS} is provided.
 */
@Injectable()
export class InboundSmtpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboundSmtpServer.name);
  private server: SMTPServer | null = null;
  private listeningPort: number | null = null;

  constructor(
    @Inject(InboundService) private readonly inbound: Pick<InboundService, 'process'>,
    @Optional() @Inject(INBOUND_SMTP_OPTIONS) private readonly options: InboundSmtpOptions | null = null,
    @Optional() @Inject(UnsubscribeService) private readonly unsubscribes: Pick<UnsubscribeService, 'unsubscribeByMail'> | null = null,
  ) {}

  /** TCP port the server listens on, or null while it is stopped. */
  get port(): number | null {
    return this.listeningPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options) return;

    const host = this.options.host ?? DEFAULT_HOST;
    const server = new SMTPServer({
      logger: false,
      size: INBOUND_MAX_MESSAGE_BYTES,
      authOptional: true,
      disabledCommands: ['AUTH'],
      // Reverse look-ups only name the client in logs, and each one waits on DNS.
      disableReverseLookup: true,
      ...(this.options.tls ? { key: this.options.tls.key, cert: this.options.tls.cert } : {}),
      onRcptTo: (address, _session, callback) => callback(this.checkRecipient(address)),
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    server.on('error', (error) => this.logger.error(`Inbound SMTP connection failed: ${error.message}`));

    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.options?.port, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listeningPort = (server.server.address() as AddressInfo).port;
    this.logger.log(`Inbound SMTP server listening on ${host}:${this.listeningPort}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;

    this.server = null;
    this.listeningPort = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.logger.log('Inbound SMTP server stopped');
  }

  private checkRecipient(address: SMTPServerAddress): ReplyError | null {
    if (BOUNCE_ADDRESS.test(address.address)) return null;
    if (this.unsubscribes && UNSUBSCRIBE_ADDRESS.test(address.address)) return null;
    return replyError(550, '5.1.1 This server accepts bounces and feedback reports only');
  }

  /** Processes a report for the bounce addresses and an unsubscribe for each unsubscribe address. */
  private async handle(raw: Buffer, bounceAddresses: string[], unsubscribeAddresses: string[]): Promise<string> {
    for (const address of unsubscribeAddresses) await this.unsubscribes?.unsubscribeByMail(address);
    if (bounceAddresses.length === 0) return 'unsubscribe request';
    return `${(await this.inbound.process(raw, {}, bounceAddresses)).kind} report`;
  }

  private receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let replied = false;
    const reply = (error: Error | null, message?: string) => {
      if (replied) return;
      replied = true;
      callback(error, message);
    };

    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => {
      this.logger.error(`Reading a message of SMTP session ${session.id} failed: ${error.message}`);
      reply(replyError(451, '4.3.0 Reading the message failed, try again later'));
    });
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        this.logger.warn(`Rejected a message of SMTP session ${session.id} larger than 10 MB`);
        reply(replyError(552, '5.3.4 The message is larger than the limit of 10 MB'));
        return;
      }

      const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
      const unsubscribeAddresses = recipients.filter((recipient) => UNSUBSCRIBE_ADDRESS.test(recipient));
      const bounceAddresses = recipients.filter((recipient) => !UNSUBSCRIBE_ADDRESS.test(recipient));
      this.handle(Buffer.concat(chunks), bounceAddresses, unsubscribeAddresses).then(
        (kind) => reply(null, `2.0.0 Accepted ${kind}`),
        (error: Error) => {
          this.logger.error(`Processing an inbound report of SMTP session ${session.id} failed: ${error.message}`, error.stack);
          reply(replyError(451, '4.3.0 Processing the report failed, try again later'));
        },
      );
    });
  }
}
