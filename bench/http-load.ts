import { Agent, request } from 'node:http';

/** One closed-loop load run against a single JSON endpoint on loopback. */
export interface LoadOptions {
  /** Absolute `http://127.0.0.1:…` or `http://[::1]:…` URL. */
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Requests sent and discarded before measuring, at the same concurrency. */
  warmupRequests: number;
  /** Requests measured. */
  requests: number;
  /** Requests in flight at once, one keep-alive socket each. */
  concurrency: number;
  /** Status that counts as a success. */
  expectedStatus: number;
  /** Each phase stops issuing requests after this many milliseconds, finished or not. */
  deadlineMs: number;
  /** Called between the warm-up and the measured phase, to take a snapshot of the server. */
  beforeMeasure?: () => Promise<void>;
}

/** Outcome of a measured run. Latencies are in milliseconds. */
export interface LoadResult {
  concurrency: number;
  completed: number;
  failed: number;
  /** First unexpected status or error, for the report. */
  firstFailure: string | null;
  /** True when the deadline stopped the run before every request was sent. */
  timedOut: boolean;
  wallMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Sends `options.warmupRequests`, then measures `options.requests` with `options.concurrency` in flight. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    await runPhase(agent, options, options.warmupRequests);
    await options.beforeMeasure?.();
    return await runPhase(agent, options, options.requests);
  } finally {
    agent.destroy();
  }
}

async function runPhase(agent: Agent, options: LoadOptions, count: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  let timedOut = false;
  const started = performance.now();
  const deadline = started + options.deadlineMs;

  const loop = async (): Promise<void> => {
    while (next < count) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      next += 1;
      const sent = performance.now();
      const outcome = await send(agent, options);
      if (outcome === options.expectedStatus) {
        latencies.push(performance.now() - sent);
        continue;
      }
      failed += 1;
      firstFailure ??= String(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));

  const wallMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    completed: latencies.length,
    failed,
    firstFailure,
    timedOut,
    wallMs,
    requestsPerSecond: (latencies.length / wallMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}

/** Sends one request and returns its status code, or the error message when it failed. */
function send(agent: Agent, options: LoadOptions): Promise<number | string> {
  return new Promise((resolve) => {
    const outgoing = request(
      options.url,
      {
        method: 'POST',
        agent,
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        // The body is read to the end so the keep-alive socket can be reused.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', (error) => resolve(error.message));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.on('error', (error) => resolve(error.message));
    outgoing.end(options.body);
  });
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], rank: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** Throws unless `url` targets 127.0.0.1 or ::1, the only hosts these benchmarks may load. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]') throw new Error(`Benchmark target must be 127.0.0.1 or [::1], got ${host}`);
}
