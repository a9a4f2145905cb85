import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Server that a benchmark child process starts. */
export type ServerTarget =
  | { kind: 'bare' }
  | {
      kind: 'scaisend';
      queue: 'redis' | 'postgres';
      runWorkers: boolean;
      /** Port of the loopback SMTP relay. Without it the app is set up for direct MX delivery, which API-only runs never reach. */
      relayPort?: number;
      /** Parallel delivery jobs of the send worker. @default 10, the module's default */
      sendConcurrency?: number;
    };

/** Sent by a server child once it listens. */
export interface ReadyMessage {
  type: 'ready';
  baseUrl: string;
  /** `Authorization` header value for `POST /v3/mail/send`. */
  authorization: string;
  /** Sender address on a verified domain. */
  fromEmail: string;
  /** Database URL of the child, for polling message statuses, or null for the bare app. */
  databaseUrl: string | null;
  rssBytes: number;
}

/** Sent by a server child in reply to `{ type: 'usage' }`. */
export interface UsageMessage {
  type: 'usage';
  rssBytes: number;
  /** V8 heap in use after a full garbage collection, when `collectGarbage` was requested. */
  heapUsedBytes: number;
  /** User plus system CPU time of the child since it started, in microseconds. */
  cpuMicros: number;
}

export type ParentMessage = { type: 'usage'; collectGarbage?: boolean } | { type: 'stop' };
export type ChildMessage = ReadyMessage | UsageMessage | { type: 'stopped' } | { type: 'failed'; message: string };

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
    // --expose-gc lets the child collect garbage before it reports its heap, so the heap figure is
    // what the server retains rather than what the collector has not reached yet.
    const child = fork(script, [JSON.stringify(target)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, '--expose-gc'] });
    try {
      const ready = await nextMessage<ReadyMessage>(child, 'ready', START_TIMEOUT_MS);
      return new ServerProcess(child, ready);
    } catch (error) {
      child.kill('SIGTERM');
      throw error;
    }
  }

  /** Reads the resident set size, V8 heap and CPU time of the child. `collectGarbage` runs a full GC before the heap is read. */
  async usage(collectGarbage = false): Promise<UsageMessage> {
    const reply = nextMessage<UsageMessage>(this.child, 'usage', STOP_TIMEOUT_MS);
    this.child.send({ type: 'usage', collectGarbage } satisfies ParentMessage);
    return reply;
  }

  /** Asks the child to close its app and drop what it created, and waits for it to exit. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const stopped = nextMessage<ChildMessage>(this.child, 'stopped', STOP_TIMEOUT_MS);
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
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`Benchmark child sent no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: T & { message?: string }) => {
      if (message.type === 'failed') finish(new Error(`Benchmark child failed: ${message.message}`));
      else if (message.type === type) finish(undefined, message);
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
