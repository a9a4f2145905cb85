import type { ExternalLogger } from 'nodemailer/lib/shared';

/**
 * Time allowed for each phase of an SMTP session with an MX host, in milliseconds.
 *
 * NOTE: RFC 5321 4.5.3.2 asks clients to wait at least 5 minutes for the greeting and for each
 * MAIL and RCPT reply. The defaults here are shorter, so a stalled host holds a worker for less
 * time and the next MX host gets its turn sooner; raise them for hosts known to be slow.
 */
export interface SmtpTimeouts {
  /** TCP connect and the server's greeting. @default 30000 */
  connectMs: number;
  /** Each EHLO or STARTTLS command and the TLS handshake. @default 60000 */
  handshakeMs: number;
  /** Each MAIL FROM, RCPT TO, DATA and RSET command. @default 120000 */
  envelopeMs: number;
  /** From the start of the message data to the reply after its end, as RFC 5321 4.5.3.2.6 sets it. @default 600000 */
  dataMs: number;
}

export type SmtpPhase = 'connect' | 'handshake' | 'envelope' | 'data';

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = { connectMs: 30_000, handshakeMs: 60_000, envelopeMs: 120_000, dataMs: 600_000 };

/** Words for each phase in error messages. */
export const PHASE_NAMES: Record<SmtpPhase, string> = {
  connect: 'connect and greeting',
  handshake: 'EHLO/STARTTLS',
  envelope: 'MAIL FROM/RCPT TO',
  data: 'DATA',
};

const HANDSHAKE_COMMANDS = /^(EHLO|HELO|LHLO|STARTTLS)\b/i;

/**
 * Timer of the current phase of one SMTP session. The session sets the phase at each step it
 * takes (connect, send, data, reset). The watch refines it from the commands and replies that
 * nodemailer passes to its logger when `transactionLog` is on. Every command or reply restarts
 * the timer, and EHLO or STARTTLS switches to the handshake phase. When the timer runs out,
 * `onTimeout` gets the phase.
 *
 * NOTE: the refinement depends on nodemailer 10 logging each command at debug level with
 * `tnx: 'client'`. Without those entries, the connect timeout also covers EHLO and STARTTLS, and
 * `envelopeMs` covers the whole envelope instead of each command.
 */
export class SmtpPhaseWatch {
  /** Called once a phase runs out of time; the session closes the connection. */
  onTimeout: (phase: SmtpPhase) => void = () => undefined;
  /** Reply to STARTTLS, when the client sent it. */
  startTlsReply: string | null = null;

  private phase: SmtpPhase | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastCommand = '';

  constructor(readonly timeouts: SmtpTimeouts) {}

  /** Logger for nodemailer's `logger` option, which feeds the watch. */
  readonly logger: ExternalLogger = {
    debug: (entry: { tnx?: string } | undefined, message: unknown) => {
      if (entry?.tnx === 'client') this.command(String(message));
      if (entry?.tnx === 'server') this.reply(String(message));
    },
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    trace: () => undefined,
    fatal: () => undefined,
  };

  /** Starts `phase` with a fresh timer. */
  enter(phase: SmtpPhase): void {
    this.phase = phase;
    this.restart();
  }

  /** Stops the timer: the session is idle, waiting for the client. */
  stop(): void {
    this.phase = null;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private command(line: string): void {
    this.lastCommand = line.trim().split(/\s/)[0]?.toUpperCase() ?? '';
    if (this.phase === null || this.phase === 'data') return;

    if (HANDSHAKE_COMMANDS.test(line)) this.phase = 'handshake';
    this.restart();
  }

  private reply(line: string): void {
    if (this.lastCommand === 'STARTTLS') this.startTlsReply = line.trim();
    if (this.phase !== null && this.phase !== 'data') this.restart();
  }

  private restart(): void {
    clearTimeout(this.timer);
    const phase = this.phase;
    if (phase === null) return;

    // The socket keeps the process alive while a step runs; the timer alone should not.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.phase = null;
      this.onTimeout(phase);
    }, this.timeoutOf(phase)).unref();
  }

  private timeoutOf(phase: SmtpPhase): number {
    switch (phase) {
      case 'connect':
        return this.timeouts.connectMs;
      case 'handshake':
        return this.timeouts.handshakeMs;
      case 'envelope':
        return this.timeouts.envelopeMs;
      case 'data':
        return this.timeouts.dataMs;
    }
  }
}
