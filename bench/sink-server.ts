import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SmtpSink } from '../test/support/smtp-sink.js';
import { nextMessage } from './bench-protocol.js';

/**
 * The loopback SMTP relay of the delivery benchmark, run as a child process so that receiving
 * mail does not share an event loop with the sender being measured. Run with `--child`, this file
 * is the child, and {@link SinkProcess} is the parent's side.
 */

/** Messages the sink accepted since the last reset. */
export interface SinkCount {
  type: 'count';
  messages: number;
  bytes: number;
  /** `Date.now()` when the last message was accepted, or null before the first. */
  lastAcceptedAt: number | null;
}

type SinkRequest = { type: 'count' } | { type: 'reset' } | { type: 'stop' };
type SinkReply = { type: 'ready'; port: number } | SinkCount | { type: 'reset' } | { type: 'stopped' };

const REPLY_TIMEOUT_MS = 30_000;

/** The sink child, seen from the benchmark that forked it. */
export class SinkProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<SinkProcess> {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await nextMessage<{ type: 'ready'; port: number }>(child, 'ready', REPLY_TIMEOUT_MS);
    return new SinkProcess(child, ready.port);
  }

  count(): Promise<SinkCount> {
    return this.request<SinkCount>({ type: 'count' });
  }

  /** Drops stored messages and counters, so the next run starts from zero. */
  async reset(): Promise<void> {
    await this.request({ type: 'reset' });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ type: 'stop' }, 'stopped');
    await exited;
  }

  private request<T extends SinkReply>(message: SinkRequest, replyType: string = message.type): Promise<T> {
    const reply = nextMessage<T>(this.child, replyType, REPLY_TIMEOUT_MS);
    this.child.send(message);
    return reply;
  }
}

async function runChild(): Promise<void> {
  const sink = await SmtpSink.start();
  let counts: SinkCount = { type: 'count', messages: 0, bytes: 0, lastAcceptedAt: null };
  const countAccepted = () =>
    sink.onData((message) => {
      counts.messages += 1;
      counts.bytes += message.raw.length;
      counts.lastAcceptedAt = Date.now();
      return undefined;
    });
  countAccepted();

  const reply = (message: SinkReply) => process.send?.(message);
  const stop = async () => {
    await sink.stop();
    reply({ type: 'stopped' });
    process.disconnect?.();
    process.exit(0);
  };
  process.on('message', (message: SinkRequest) => {
    if (message.type === 'count') {
      reply({ ...counts });
    } else if (message.type === 'reset') {
      sink.reset();
      countAccepted();
      counts = { type: 'count', messages: 0, bytes: 0, lastAcceptedAt: null };
      reply({ type: 'reset' });
    } else {
      void stop();
    }
  });
  process.on('disconnect', () => void stop());
  reply({ type: 'ready', port: sink.port });
}

if (process.argv[2] === '--child') {
  runChild().catch((error: Error) => {
    process.send?.({ type: 'failed', message: error.stack ?? error.message });
    process.exit(1);
  });
}
