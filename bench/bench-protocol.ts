import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a benchmark server child starts. */
export type ServerTarget =
  | { kind: 'bare' }
  | {
      kind: 'scaisend';
      queue: 'redis' | 'postgres';
      runWorkers: boolean;
      /** Port of the loopback SMTP relay; unset leaves the app on direct MX delivery, which these runs never reach. */
      relayPort?: number;
    };

/** Sent by a server child once it listens. */
export interface ReadyMessage {
  type: 'ready';
  baseUrl: string;
  /** `Authorization` header value for `POST /v3/mail/send`. */
  authorization: string;
  /** Sender address on a verified domain. */
  fromEmail: string;
  /** The child's database, for polling message statuses; null for the bare app. */
  databaseUrl: string | null;
  rssBytes: number;
}

/** Sent by a server child in reply to `{ type: 'memory' }`. */
export interface MemoryMessage {
  type: 'memory';
  rssBytes: number;
  heapUsedBytes: number;
}

export type ParentMessage = { type: 'memory' } | { type: 'stop' };
export type ChildMessage = ReadyMessage | MemoryMessage | { type: 'stopped' } | { type: 'failed'; message: string };

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** A server child process, seen from the benchmark that forked it. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ReadyMessage,
  ) {}

  /** Forks `bench-server.js` for `target` and waits until it listens. */
  static async start(target: ServerTarget): Promise<ServerProcess> {
    const script = fileURLToPath(new URL('./bench-server.js', import.meta.url));
    const child = fork(script, [JSON.stringify(target)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    try {
      const ready = await nextMessage<ReadyMessage>(child, 'ready', START_TIMEOUT_MS);
      return new ServerProcess(child, ready);
    } catch (error) {
      child.kill('SIGTERM');
      throw error;
    }
  }

  /** Resident set size and V8 heap of the child, in bytes. */
  async memory(): Promise<MemoryMessage> {
    const reply = nextMessage<MemoryMessage>(this.child, 'memory', STOP_TIMEOUT_MS);
    this.child.send({ type: 'memory' } satisfies ParentMessage);
    return reply;
  }

  /** Asks the child to close its app and drop what it created, and waits for it to exit. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const stopped = nextMessage(this.child, 'stopped', STOP_TIMEOUT_MS);
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    try {
      await stopped;
    } catch (error) {
      this.child.kill('SIGTERM');
      throw error;
    }
    await exited;
  }
}

/** Waits for the child's next message of `type`; a `failed` message or an exit rejects. */
export function nextMessage<T extends ChildMessage = ChildMessage>(child: ChildProcess, type: ChildMessage['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`Benchmark child sent no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'failed') finish(new Error(`Benchmark child failed: ${message.message}`));
      else if (message.type === type) finish(undefined, message as T);
    };
    const onExit = (code: number | null) => finish(new Error(`Benchmark child exited with code ${code} before sending "${type}"`));
    const finish = (error?: Error, message?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
