import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerDataStream,
  SMTPServerSession,
} from 'smtp-server';

/** A message the sink accepted, with its SMTP envelope. */
export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

/** SMTP reply to send instead of the default one, or `undefined` to accept. */
export type RcptReply = { code: number; message: string } | undefined;

/** Options of {@link SmtpSink.start}. */
export interface SmtpSinkOptions {
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** Implicit TLS is not supported by the sink. */
  secure?: false;
  /** Offers STARTTLS with the self-signed certificate built into smtp-server. @default false */
  starttls?: boolean;
  /** Rejects MAIL FROM until the client has authenticated. @default false */
  authRequired?: boolean;
  /** Accepted AUTH credentials, user name to password. @default {} */
  users?: Record<string, string>;
}

interface ReplyError extends Error {
  responseCode: number;
}

function replyError(reply: { code: number; message: string }): ReplyError {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** A real SMTP server on 127.0.0.1 that stores what it receives, with scripted replies. */
export class SmtpSink {
  readonly messages: ReceivedMessage[] = [];

  private rcptHandler: (address: string) => RcptReply = () => undefined;
  private dataHandler: (message: ReceivedMessage) => RcptReply = () => undefined;
  private waiters: (() => void)[] = [];
  private readonly server: SMTPServer;
  private listeningPort = 0;

  private constructor(options: SmtpSinkOptions) {
    const users = options.users ?? {};
    this.server = new SMTPServer({
      secure: false,
      logger: false,
      disabledCommands: options.starttls ? [] : ['STARTTLS'],
      // The replies carry exactly the code and text the test scripts, without added status codes.
      hideENHANCEDSTATUSCODES: true,
      authOptional: !options.authRequired,
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => SmtpSink.checkAuth(users, auth, callback),
      onRcptTo: (address, session, callback) => this.handleRcpt(address, session, callback),
      onData: (stream, session, callback) => this.handleData(stream, session, callback),
    });
  }

  /** Starts a sink listening on 127.0.0.1. */
  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await new Promise<void>((resolve, reject) => {
      sink.server.server.once('error', reject);
      sink.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    sink.listeningPort = (sink.server.server.address() as AddressInfo).port;
    return sink;
  }

  /** TCP port the sink listens on, still set after {@link stop}. */
  get port(): number {
    return this.listeningPort;
  }

  /** Sets the reply to RCPT TO, calling the handler once per recipient. */
  onRcpt(handler: (address: string) => RcptReply): void {
    this.rcptHandler = handler;
  }

  /** Sets the reply at the end of DATA. `undefined` replies 250 and stores the message. */
  onData(handler: (message: ReceivedMessage) => RcptReply): void {
    this.dataHandler = handler;
  }

  /** Waits until at least `count` messages were accepted, and rejects after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 5000): Promise<ReceivedMessage[]> {
    if (this.messages.length >= count) return this.messages.slice(0, count);

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`SMTP sink received ${this.messages.length} of ${count} messages within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (this.messages.length < count) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });

    return this.messages.slice(0, count);
  }

  /** Drops the stored messages and restores the accepting replies. */
  reset(): void {
    this.messages.length = 0;
    this.rcptHandler = () => undefined;
    this.dataHandler = () => undefined;
  }

  /** Closes the server and its open connections. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private static checkAuth(
    users: Record<string, string>,
    auth: SMTPServerAuthentication,
    callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
  ): void {
    const username = auth.username ?? '';
    const known = Object.prototype.hasOwnProperty.call(users, username);
    if (!known || users[username] !== auth.password) {
      callback(replyError({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
      return;
    }
    callback(null, { user: username });
  }

  private handleRcpt(
    address: SMTPServerAddress,
    _session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const reply = this.rcptHandler(address.address);
    callback(reply ? replyError(reply) : null);
  }

  private handleData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const mailFrom = session.envelope.mailFrom;
      const message: ReceivedMessage = {
        from: mailFrom ? mailFrom.address : '',
        to: session.envelope.rcptTo.map((recipient) => recipient.address),
        raw: Buffer.concat(chunks),
      };

      const reply = this.dataHandler(message);
      if (reply) {
        callback(replyError(reply));
        return;
      }

      this.messages.push(message);
      this.waiters.forEach((waiter) => waiter());
      callback(null, 'OK: message queued');
    });
  }
}
