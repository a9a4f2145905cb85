import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { NodemailerError } from 'nodemailer/lib/errors';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { connectionError, SmtpConnectionError } from '../smtp-connection-error.js';
import { offersSmtpUtf8, type SmtpAddress } from '../smtp-envelope.js';
import { acceptedRecipients, asTransactionFailure, failedRecipients, rejectAll, type RecipientResult } from '../smtp-replies.js';
import { PHASE_NAMES, SmtpPhaseWatch, type SmtpPhase, type SmtpTimeouts } from './smtp-phase-watch.js';

/** One address of one MX host. */
export interface MxTarget {
  /** MX host name, as the results report it. */
  host: string;
  /** IP address to connect to. */
  address: string;
  port: number;
}

/** Settings shared by every session of a delivery. */
export interface MxSessionSettings {
  heloName?: string;
  timeouts: SmtpTimeouts;
  /** Reject a session that does not end up encrypted with STARTTLS. */
  requireTls: boolean;
}

/** Outcome of one transaction on a session. */
export type TransactionResult =
  /** The server replied for every recipient, accepting or refusing. */
  | { kind: 'replied'; recipients: RecipientResult[]; response: string }
  /** The session failed before the message data began: another host may take the message. */
  | { kind: 'host-failure'; error: SmtpConnectionError }
  /** The session failed after the message data began: the server may have accepted it. */
  | { kind: 'unknown-outcome'; error: SmtpConnectionError };

/** An open session, or why none could be opened. */
export type OpenResult =
  | { session: MxSession }
  | {
      error: SmtpConnectionError;
      /** The server's reply that ended the session, such as a 421 greeting. */
      reply?: string;
      /** True when the TLS handshake after STARTTLS failed, so a plaintext session may still work. */
      tlsHandshakeFailed?: boolean;
    };

/**
 * One SMTP session with an MX host, reusable for several transactions. Every step runs under the
 * timeout of its phase (see {@link SmtpPhaseWatch}), and a timeout closes the connection.
 */
export class MxSession {
  /** Transactions started on this session. */
  transactions = 0;
  private closed = false;
  /** Ends the step in progress when the connection closes under it. */
  private onClose: (() => void) | null = null;
  private readonly closeListeners: Array<() => void> = [];

  private constructor(
    readonly target: MxTarget,
    private readonly connection: SMTPConnection,
    private readonly watch: SmtpPhaseWatch,
  ) {
    connection.once('end', () => {
      this.closed = true;
      this.watch.stop();
      this.onClose?.();
      for (const listener of this.closeListeners) listener();
    });
  }

  /**
   * Connects, reads the greeting, sends EHLO and upgrades with STARTTLS when the server offers it.
   * `plaintext` skips STARTTLS, for a second try after a failed TLS handshake.
   */
  static open(target: MxTarget, settings: MxSessionSettings, plaintext = false): Promise<OpenResult> {
    const watch = new SmtpPhaseWatch(settings.timeouts);
    const connection = new SMTPConnection({
      host: target.address,
      port: target.port,
      secure: false,
      ignoreTLS: plaintext,
      opportunisticTLS: true,
      servername: isIP(target.host) ? undefined : target.host,
      // MX hosts often present self-signed certificates, so STARTTLS here encrypts without verifying them.
      tls: { rejectUnauthorized: false },
      name: settings.heloName,
      // nodemailer's own timers are only a backstop, above what the phase watch allows: its
      // connection timeout covers everything up to the end of STARTTLS (greeting, EHLO, STARTTLS,
      // TLS handshake), and its socket timeout any silence.
      connectionTimeout: settings.timeouts.connectMs + 4 * settings.timeouts.handshakeMs,
      greetingTimeout: settings.timeouts.connectMs + 4 * settings.timeouts.handshakeMs,
      socketTimeout: settings.timeouts.dataMs + settings.timeouts.envelopeMs,
      logger: watch.logger,
      transactionLog: true,
    });

    return new Promise((resolve) => {
      let settled = false;
      const fail = (error: SmtpConnectionError, cause?: NodemailerError) => {
        if (settled) return;
        settled = true;
        watch.stop();
        connection.close();
        // A server that accepted STARTTLS but never got to an encrypted session failed the handshake.
        const handshakeFailed = cause?.code === 'ETLS' || (watch.startTlsReply?.startsWith('2') === true && !connection.secure);
        resolve({ error, reply: cause?.response, tlsHandshakeFailed: handshakeFailed });
      };

      // The listener stays for the session's life because an 'error' event without one throws.
      connection.on('error', (error: NodemailerError) => fail(connectionError(target.host, error), error));
      connection.once('end', () => {
        watch.stop();
        fail(new SmtpConnectionError(`${target.host} closed the connection`, { code: 'ECONNECTION' }));
      });
      watch.onTimeout = (phase) => fail(timeoutError(target.host, phase, settings.timeouts));
      watch.enter('connect');

      connection.connect((error?: NodemailerError | null) => {
        if (error) return fail(connectionError(target.host, error), error);
        if (settled) return;

        if (settings.requireTls && !connection.secure) {
          settled = true;
          watch.onTimeout = () => connection.close();
          watch.enter('envelope');
          connection.quit();
          resolve({ error: tlsRequiredError(target.host, watch.startTlsReply) });
          return;
        }
        watch.stop();
        settled = true;
        resolve({ session: new MxSession(target, connection, watch) });
      });
    });
  }

  /** True when the session runs over TLS. */
  get tls(): boolean {
    return this.connection.secure;
  }

  /** True while the connection is open. */
  get usable(): boolean {
    return !this.closed && !this.connection.destroyed;
  }

  /** True when the server listed SMTPUTF8 in its EHLO reply. */
  get offersSmtpUtf8(): boolean {
    return offersSmtpUtf8(this.connection);
  }

  /** Sends RSET, so a reused session starts its transaction clean. Resolves false when the session is unusable. */
  reset(): Promise<boolean> {
    if (!this.usable) return Promise.resolve(false);

    return this.step<boolean>('envelope', (finish) => {
      this.connection.reset((error) => {
        if (error) this.close();
        finish(!error);
      });
    }, () => false);
  }

  /** Runs one transaction: MAIL FROM, RCPT TO for each recipient, DATA. */
  send(from: SmtpAddress, recipients: SmtpAddress[], raw: Buffer): Promise<TransactionResult> {
    this.transactions += 1;
    let dataBegan = false;
    const lost = (error: SmtpConnectionError): TransactionResult => (dataBegan ? { kind: 'unknown-outcome', error } : { kind: 'host-failure', error });
    const interrupted = (phase: SmtpPhase | null): TransactionResult => {
      if (phase) return lost(timeoutError(this.target.host, phase, this.watch.timeouts, dataBegan));
      return lost(new SmtpConnectionError(`${this.target.host} closed the connection`, { code: 'ECONNECTION' }));
    };

    return this.step<TransactionResult>('envelope', (finish) => {
      const message = messageData(raw, () => {
        dataBegan = true;
        this.watch.enter('data');
      });
      const wire = { from: from.address, to: recipients.map((recipient) => recipient.address) };

      this.connection.send(wire, message, (error, info) => {
        if (!error) return finish({ kind: 'replied', recipients: acceptedRecipients(recipients, info), response: info.response });

        const failure = asTransactionFailure(error);
        if (failure) return finish({ kind: 'replied', recipients: failedRecipients(recipients, failure), response: failure.response ?? failure.message });

        // RFC 5321 3.8 lets a server send 421 after any command and close the session. It is still
        // a reply, so the recipients are deferred with it.
        const reply = (error as NodemailerError).response;
        if ((error as NodemailerError).responseCode === 421 && reply) {
          return finish({ kind: 'replied', recipients: rejectAll(recipients.map((recipient) => recipient.email), 421, reply), response: reply });
        }
        finish(lost(connectionError(`Session with ${this.target.host} failed`, error)));
      });
    }, interrupted);
  }

  /** Marks the session idle in a pool: its socket no longer keeps the process alive. */
  setIdle(idle: boolean): void {
    const socket = this.connection._socket;
    if (!socket) return;
    if (idle) socket.unref();
    else socket.ref();
  }

  /** Sends QUIT and closes the connection after the reply, or when the reply takes too long. */
  quit(): void {
    if (!this.usable) return;
    this.watch.onTimeout = () => this.close();
    this.watch.enter('envelope');
    this.connection.quit();
  }

  close(): void {
    this.watch.stop();
    this.connection.close();
  }

  /** Calls `listener` once the connection has closed, at once when it has. */
  onClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /**
   * Runs one step under the timeout of `phase` and settles it once: with the step's own result,
   * or with `interrupted(phase)` after a timeout, or `interrupted(null)` when the connection closed.
   */
  private step<T>(phase: SmtpPhase, run: (finish: (result: T) => void) => void, interrupted: (phase: SmtpPhase | null) => T): Promise<T> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: T) => {
        if (settled) return;
        settled = true;
        this.watch.stop();
        this.watch.onTimeout = () => undefined;
        this.onClose = null;
        resolve(result);
      };

      this.watch.onTimeout = (timedOut) => {
        finish(interrupted(timedOut));
        this.close();
      };
      // nodemailer closes the connection before it calls back with the error or 421 that closed it,
      // so the step waits a turn of the event loop for that more telling result.
      this.onClose = () => setImmediate(() => finish(interrupted(null)));
      this.watch.enter(phase);
      run(finish);
    });
  }
}

/** Wraps the message in a stream whose first read marks the start of DATA, because nodemailer reads it once the server sent 354. */
function messageData(raw: Buffer, onStart: () => void): Readable {
  let started = false;
  return new Readable({
    read() {
      if (started) return;
      started = true;
      onStart();
      this.push(raw);
      this.push(null);
    },
  });
}

function timeoutError(host: string, phase: SmtpPhase, timeouts: SmtpTimeouts, dataBegan = false): SmtpConnectionError {
  const limit = { connect: timeouts.connectMs, handshake: timeouts.handshakeMs, envelope: timeouts.envelopeMs, data: timeouts.dataMs }[phase];
  const outcome = dataBegan ? '; the message data had begun, so the server may have accepted it' : '';
  return new SmtpConnectionError(`${host} timed out after ${limit} ms in ${PHASE_NAMES[phase]}${outcome}`, { code: 'ETIMEDOUT' });
}

function tlsRequiredError(host: string, startTlsReply: string | null): SmtpConnectionError {
  const reason = startTlsReply ? `refused STARTTLS (${startTlsReply})` : 'does not offer STARTTLS';
  return new SmtpConnectionError(`${host} ${reason}, and requireTls forbids sending without TLS`, { code: 'ETLS' });
}
