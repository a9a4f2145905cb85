import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createTransport } from 'nodemailer';
import pg from 'pg';
import { ServerProcess } from './bench-protocol.js';
import { BENCH_HTML, BENCH_SUBJECT, BENCH_TEXT, sendBody } from './mail-body.js';
import { machineLine, markdownTable, parsePositiveInteger } from './report.js';
import { SinkProcess } from './sink-server.js';

/**
 * Messages per second from the first `POST /v3/mail/send` to the last message in status
 * `delivered`, through a loopback SMTP relay. The reference is nodemailer sending the same
 * messages to the same relay with the same number of sends in flight. ScaiSend and the relay each
 * run in a child process, and nodemailer runs in this process. Each sender first sends one
 * unreported warm-up run of the same size, so connection pools and JIT-compiled code are warm.
 *
 *   node dist/bench/delivery.js [--messages 500] [--per-request 100] [--concurrency 10]
 *                               [--repeat 5] [--backends redis,postgres] [--timeout 120]
 */

/** One timed run of one sender. Times are milliseconds from the first request or send. */
interface DeliveryRun {
  sender: string;
  run: number;
  /** Until the last send request returned 202, or null for nodemailer. */
  acceptedMs: number | null;
  /** Until the relay accepted the last message. */
  lastAtRelayMs: number;
  /** Until ScaiSend's database showed every message `delivered`, or nodemailer's last send resolved. */
  lastDeliveredMs: number;
  messagesPerSecond: number;
  /** Sender CPU time (user + system) per message, in milliseconds. */
  cpuMsPerMessage: number;
  bytesPerMessage: number;
}

interface BaselineVariant {
  name: string;
  maxConnections: number;
  dkim: boolean;
}

const POLL_INTERVAL_MS = 20;
const SENDER_DOMAIN = 'mail.bench.test';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '500' },
    'per-request': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '5' },
    backends: { type: 'string', default: 'redis,postgres' },
    timeout: { type: 'string', default: '120' },
  },
});
const messageCount = parsePositiveInteger(values.messages, 'messages');
const perRequest = parsePositiveInteger(values['per-request'], 'per-request');
const concurrency = parsePositiveInteger(values.concurrency, 'concurrency');
const repeat = parsePositiveInteger(values.repeat, 'repeat');
const timeoutMs = parsePositiveInteger(values.timeout, 'timeout') * 1000;
const backends = values.backends.split(',').map((name) => {
  if (name !== 'redis' && name !== 'postgres') throw new Error(`Invalid --backends entry "${name}": expected redis, postgres or both`);
  return name;
});

const BASELINES: BaselineVariant[] = [
  { name: `nodemailer, pool of ${concurrency}, no DKIM`, maxConnections: concurrency, dkim: false },
  { name: `nodemailer, pool of ${concurrency}, DKIM`, maxConnections: concurrency, dkim: true },
  // nodemailer's default pool size, which ScaiSend's relay transport keeps.
  { name: 'nodemailer, pool of 5, DKIM', maxConnections: 5, dkim: true },
];

function recipients(run: number): string[] {
  return Array.from({ length: messageCount }, (_, index) => `rcpt-${run}-${index}@example.com`);
}

/** Runs `task` for every item with at most `limit` running at once. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function runBaseline(sink: SinkProcess, variant: BaselineVariant, run: number, dkimKey: string): Promise<DeliveryRun> {
  const transport = createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    pool: true,
    maxConnections: variant.maxConnections,
    ...(variant.dkim ? { dkim: { domainName: SENDER_DOMAIN, keySelector: 'scaisend', privateKey: dkimKey } } : {}),
  });
  try {
    await sink.reset();
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    await eachLimited(recipients(run), concurrency, async (to) => {
      await transport.sendMail({ from: { name: 'Bench Shop', address: `hello@${SENDER_DOMAIN}` }, to, subject: BENCH_SUBJECT, text: BENCH_TEXT, html: BENCH_HTML });
    });
    const lastDeliveredMs = Date.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return finishRun(sink, variant.name, run, started, null, lastDeliveredMs, (cpu.user + cpu.system) / 1000);
  } finally {
    transport.close();
  }
}

async function finishRun(sink: SinkProcess, sender: string, run: number, started: number, acceptedMs: number | null, lastDeliveredMs: number, cpuMs: number): Promise<DeliveryRun> {
  const relay = await sink.count();
  if (relay.messages !== messageCount) throw new Error(`${sender}, run ${run}: the relay accepted ${relay.messages} of ${messageCount} messages`);
  return {
    sender,
    run,
    acceptedMs,
    lastAtRelayMs: (relay.lastAcceptedAt ?? Number.NaN) - started,
    lastDeliveredMs,
    messagesPerSecond: (messageCount / lastDeliveredMs) * 1000,
    cpuMsPerMessage: cpuMs / messageCount,
    bytesPerMessage: relay.bytes / relay.messages,
  };
}

/** Counts messages by status in ScaiSend's database. */
async function statusCounts(client: pg.Client): Promise<Map<string, number>> {
  const result = await client.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM scaisend_messages GROUP BY status');
  return new Map(result.rows.map((row) => [row.status, row.count]));
}

async function runScaiSend(sink: SinkProcess, server: ServerProcess, client: pg.Client, sender: string, run: number): Promise<DeliveryRun> {
  const { baseUrl, authorization, fromEmail } = server.ready;
  await sink.reset();
  const before = await statusCounts(client);
  const target = (before.get('delivered') ?? 0) + messageCount;
  const failedBefore = (before.get('failed') ?? 0) + (before.get('bounced') ?? 0);
  const cpuBefore = (await server.usage()).cpuMicros;

  const started = Date.now();
  const to = recipients(run);
  for (let offset = 0; offset < to.length; offset += perRequest) {
    const response = await fetch(`${baseUrl}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(sendBody(fromEmail, to.slice(offset, offset + perRequest))),
    });
    if (response.status !== 202) throw new Error(`${sender}: POST /v3/mail/send returned ${response.status}: ${await response.text()}`);
  }
  const acceptedMs = Date.now() - started;

  for (;;) {
    const counts = await statusCounts(client);
    if ((counts.get('delivered') ?? 0) >= target) break;
    const failed = (counts.get('failed') ?? 0) + (counts.get('bounced') ?? 0);
    if (failed > failedBefore) throw new Error(`${sender}, run ${run}: ${failed - failedBefore} messages failed or bounced: ${JSON.stringify([...counts])}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${sender}, run ${run}: not every message was delivered within ${timeoutMs} ms: ${JSON.stringify([...counts])}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const lastDeliveredMs = Date.now() - started;
  const cpuMs = ((await server.usage()).cpuMicros - cpuBefore) / 1000;
  return finishRun(sink, sender, run, started, acceptedMs, lastDeliveredMs, cpuMs);
}

async function measureScaiSend(sink: SinkProcess, queue: 'redis' | 'postgres'): Promise<DeliveryRun[]> {
  const sender = `ScaiSend, ${queue === 'redis' ? 'Redis' : 'PostgreSQL'} queue`;
  const server = await ServerProcess.start({ kind: 'scaisend', queue, runWorkers: true, relayPort: sink.port, sendConcurrency: concurrency });
  const client = new pg.Client({ connectionString: server.ready.databaseUrl ?? undefined });
  try {
    await client.connect();
    const runs: DeliveryRun[] = [];
    for (let run = 0; run <= repeat; run++) {
      const result = await runScaiSend(sink, server, client, sender, run);
      console.error(`${sender}, run ${run}${run === 0 ? ' (warm-up)' : ''}: ${result.messagesPerSecond.toFixed(0)} messages/s`);
      if (run > 0) runs.push(result);
    }
    return runs;
  } finally {
    await client.end();
    await server.stop();
  }
}

function printResults(runs: DeliveryRun[]): void {
  const milliseconds = (value: number | null) => (value === null ? '-' : value.toFixed(0));
  console.log(
    markdownTable(
      ['sender', 'run', 'all 202s (ms)', 'last message at relay (ms)', 'last delivered (ms)', 'messages/s', 'sender CPU ms/message', 'bytes/message at relay'],
      runs.map((run) => [
        run.sender,
        run.run,
        milliseconds(run.acceptedMs),
        milliseconds(run.lastAtRelayMs),
        milliseconds(run.lastDeliveredMs),
        run.messagesPerSecond.toFixed(0),
        run.cpuMsPerMessage.toFixed(2),
        run.bytesPerMessage.toFixed(0),
      ]),
    ),
  );
  console.log();
  const senders = [...new Set(runs.map((run) => run.sender))];
  const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] as number;
  console.log(
    markdownTable(
      ['sender', `median messages/s of ${repeat} runs`, 'min', 'max'],
      senders.map((sender) => {
        const rates = runs.filter((run) => run.sender === sender).map((run) => run.messagesPerSecond);
        return [sender, median(rates).toFixed(0), Math.min(...rates).toFixed(0), Math.max(...rates).toFixed(0)];
      }),
    ),
  );
}

console.log(`delivery: ${machineLine()}; ${messageCount} messages (${perRequest} personalizations a request), ${concurrency} in flight, ${repeat} runs each after one warm-up run\n`);
const sink = await SinkProcess.start();
try {
  const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  const runs: DeliveryRun[] = [];
  for (const variant of BASELINES) {
    await runBaseline(sink, variant, 0, dkimKey);
    for (let run = 1; run <= repeat; run++) runs.push(await runBaseline(sink, variant, run, dkimKey));
  }
  for (const queue of backends) runs.push(...(await measureScaiSend(sink, queue)));
  printResults(runs);
} finally {
  await sink.stop();
}
