import { parseArgs } from 'node:util';
import { ServerProcess, type ServerTarget } from './bench-protocol.js';
import { runLoad, type LoadResult } from './http-load.js';

/** A measured run with the server's CPU time spent during it. */
interface LevelResult extends LoadResult {
  /** Server CPU time (user + system) per successful request, in milliseconds. */
  serverCpuMsPerRequest: number;
  /** Server CPU time divided by wall time: 1.0 is one core busy for the whole run. */
  serverCores: number;
  /** Busy cores of the whole machine (client, server, PostgreSQL, Redis and anything else). */
  machineCores: number;
}
import { sendBody } from './mail-body.js';
import { busyCores, machineLine, markdownTable, mebibytes, parseIntegerList, parsePositiveInteger, readMachineCpuTimes, type MachineCpuTimes } from './report.js';

/**
 * Requests per second and latency of `POST /v3/mail/send` on the live path: an `sg_live_` key, a
 * verified sender domain and no sandbox. The queue workers are off, so only validation, storage
 * and enqueueing are measured. The reference is a bare Nest route with the same body parser.
 * Every server runs in a child process of its own, and this process is the HTTP client.
 *
 *   node dist/bench/send-path.js [--requests 5000] [--warmup 500] [--concurrency 1,16,64]
 *                                [--targets bare,redis,postgres] [--phase-timeout 120]
 */

interface Target {
  name: string;
  server: ServerTarget;
}

const TARGETS: Record<string, Target> = {
  bare: { name: 'bare Nest route', server: { kind: 'bare' } },
  redis: { name: 'ScaiSend, Redis queue', server: { kind: 'scaisend', queue: 'redis', runWorkers: false } },
  postgres: { name: 'ScaiSend, PostgreSQL queue', server: { kind: 'scaisend', queue: 'postgres', runWorkers: false } },
};

interface TargetResult {
  target: Target;
  runs: LevelResult[];
  rssAfterBootBytes: number;
  rssAfterRunBytes: number;
  heapAfterRunBytes: number;
}

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '1,16,64' },
    targets: { type: 'string', default: 'bare,redis,postgres' },
    'phase-timeout': { type: 'string', default: '120' },
  },
});
const requests = parsePositiveInteger(values.requests, 'requests');
const warmup = parsePositiveInteger(values.warmup, 'warmup');
const levels = parseIntegerList(values.concurrency, 'concurrency');
const phaseTimeoutMs = parsePositiveInteger(values['phase-timeout'], 'phase-timeout') * 1000;
const targets = values.targets.split(',').map((name) => {
  const target = TARGETS[name.trim()];
  if (!target) throw new Error(`Invalid --targets entry "${name}": expected a comma-separated list of ${Object.keys(TARGETS).join(', ')}`);
  return target;
});

async function measureTarget(target: Target): Promise<TargetResult> {
  const server = await ServerProcess.start(target.server);
  try {
    const { baseUrl, authorization, fromEmail } = server.ready;
    const body = JSON.stringify(sendBody(fromEmail, ['ada@example.com']));
    const runs: LevelResult[] = [];
    for (const concurrency of levels) {
      let cpuBefore = 0;
      let machineBefore: MachineCpuTimes | null = null;
      const load = await runLoad({
        url: `${baseUrl}/v3/mail/send`,
        headers: { authorization },
        body,
        warmupRequests: warmup,
        requests,
        concurrency,
        expectedStatus: 202,
        deadlineMs: phaseTimeoutMs,
        beforeMeasure: async () => {
          cpuBefore = (await server.usage()).cpuMicros;
          machineBefore = readMachineCpuTimes();
        },
      });
      const machineCores = busyCores(machineBefore, readMachineCpuTimes());
      const cpuMs = ((await server.usage()).cpuMicros - cpuBefore) / 1000;
      const result: LevelResult = { ...load, serverCpuMsPerRequest: cpuMs / load.completed, serverCores: cpuMs / load.wallMs, machineCores };
      console.error(`${target.name}, concurrency ${concurrency}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms`);
      runs.push(result);
    }
    const usage = await server.usage(true);
    return { target, runs, rssAfterBootBytes: server.ready.rssBytes, rssAfterRunBytes: usage.rssBytes, heapAfterRunBytes: usage.heapUsedBytes };
  } finally {
    await server.stop();
  }
}

function printResults(results: TargetResult[]): void {
  const rows = results.flatMap(({ target, runs }) =>
    runs.map((run) => [
      target.name,
      run.concurrency,
      run.completed,
      run.failed,
      run.requestsPerSecond.toFixed(0),
      run.p50Ms.toFixed(2),
      run.p95Ms.toFixed(2),
      run.p99Ms.toFixed(2),
      run.maxMs.toFixed(1),
      run.serverCpuMsPerRequest.toFixed(2),
      run.serverCores.toFixed(2),
      run.machineCores.toFixed(2),
    ]),
  );
  const header = ['server', 'concurrency', '202s', 'failed', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'server CPU ms/req', 'server cores busy', 'machine cores busy'];
  console.log(markdownTable(header, rows));
  console.log();
  console.log(
    markdownTable(
      ['server', 'RSS after boot (MiB)', 'RSS after all runs (MiB)', 'V8 heap after all runs and a full GC (MiB)'],
      results.map((result) => [result.target.name, mebibytes(result.rssAfterBootBytes), mebibytes(result.rssAfterRunBytes), mebibytes(result.heapAfterRunBytes)]),
    ),
  );

  const problems = results.flatMap(({ target, runs }) =>
    runs.filter((run) => run.failed > 0 || run.timedOut).map((run) => `${target.name} at concurrency ${run.concurrency}: ${run.failed} failed (first: ${run.firstFailure}), stopped by deadline: ${run.timedOut}`),
  );
  for (const problem of problems) console.log(`\nWARNING: ${problem}`);
}

console.log(`send-path: ${machineLine()}; ${warmup} warm-up + ${requests} measured requests per concurrency level\n`);
const results: TargetResult[] = [];
for (const target of targets) results.push(await measureTarget(target));
printResults(results);
