import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ScaiSendQueues } from '../lib/queues/scaisend-queues.js';
import { TestDnsServer } from '../test/support/dns-server.js';
import { TestApp } from '../test/support/test-app.js';
import { TEST_POSTGRES_URL, TestDatabase } from '../test/support/test-database.js';
import { verifiedDomain } from '../test/support/walkthrough.js';
import { startBareApp } from './bare-app.js';
import type { ChildMessage, ParentMessage, ServerTarget } from './bench-protocol.js';

/**
 * Child process of the benchmarks. It starts one server, either the bare Nest app or ScaiSend on
 * a database of its own with a verified sender domain and an `sg_live_` key, and sends its URL and
 * credentials over IPC. On `stop`, or when the parent goes away, it removes everything it created.
 */

const SENDER_DOMAIN = 'mail.bench.test';

let cleanup: () => Promise<void> = async () => undefined;
let stopping: Promise<void> | undefined;

/** Deletes every key under `prefix`, which TestApp makes unique to this run. */
async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
  } finally {
    await redis.quit();
  }
}

const DISCONNECT_WAIT_MS = 5000;

/**
 * Waits until no session is connected to `databaseName`, for at most 5 s. pg-pool 3.14 resolves
 * `end()` before its sockets close, and dropping the database WITH (FORCE) in that window makes
 * BullMQ's queue log "terminating connection due to administrator command".
 */
async function waitForDisconnects(databaseName: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const deadline = Date.now() + DISCONNECT_WAIT_MS;
    while (Date.now() < deadline) {
      const result = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1', [databaseName]);
      if (result.rows[0]?.count === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

function reply(message: ChildMessage): void {
  process.send?.(message);
}

async function startScaiSend(target: Extract<ServerTarget, { kind: 'scaisend' }>): Promise<void> {
  const database = await TestDatabase.create();
  const dns = await TestDnsServer.start();
  let app: TestApp | undefined;
  cleanup = async () => {
    // Jobs left by an API-only run stay in Redis under the run's own key prefix unless removed.
    const prefix = app && target.queue === 'redis' ? app.app.get(ScaiSendQueues).send.opts.prefix : undefined;
    await app?.close();
    // Only TestApp's per-run prefix is deleted, never a shared one such as BullMQ's default `bull`.
    if (prefix?.startsWith('scaisend-test-')) await deleteRedisKeys(prefix);
    await dns.stop();
    await waitForDisconnects(database.name);
    await database.drop();
  };

  app = await TestApp.start({
    databaseUrl: database.url,
    queue: target.queue,
    config: { dnsServers: [dns.address], smtpRelayUrl: target.relayPort ? `smtp://127.0.0.1:${target.relayPort}` : undefined },
    overrides: { runWorkers: target.runWorkers, ...(target.sendConcurrency ? { concurrency: { send: target.sendConcurrency } } : {}) },
  });
  const admin = await app.adminToken('bench');
  await verifiedDomain(app, admin, dns, SENDER_DOMAIN);
  const key = await app.request('POST', '/v3/api_keys', admin, { name: 'bench', environment: 'live', scopes: ['mail.send'] });
  if (key.status !== 201) throw new Error(`Creating the API key returned ${key.status}: ${JSON.stringify(key.body)}`);

  reply({
    type: 'ready',
    baseUrl: app.baseUrl,
    authorization: `Bearer ${key.body.api_key as string}`,
    fromEmail: `hello@${SENDER_DOMAIN}`,
    databaseUrl: database.url,
    rssBytes: process.memoryUsage().rss,
  });
}

async function startBare(): Promise<void> {
  const { app, baseUrl }: { app: INestApplication; baseUrl: string } = await startBareApp();
  cleanup = () => app.close();
  reply({ type: 'ready', baseUrl, authorization: 'Bearer none', fromEmail: `hello@${SENDER_DOMAIN}`, databaseUrl: null, rssBytes: process.memoryUsage().rss });
}

/** Runs the cleanup once, however often `stop` and `disconnect` arrive, then exits. */
function stop(): Promise<void> {
  stopping ??= stopOnce();
  return stopping;
}

async function stopOnce(): Promise<void> {
  try {
    await cleanup();
    reply({ type: 'stopped' });
  } catch (error) {
    reply({ type: 'failed', message: `cleanup failed: ${(error as Error).stack ?? String(error)}` });
  } finally {
    process.disconnect?.();
    process.exit(0);
  }
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'usage') {
    // The RSS is read before the collection, as the process stood after the load.
    const rssBytes = process.memoryUsage().rss;
    if (message.collectGarbage) globalThis.gc?.();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    reply({ type: 'usage', rssBytes, heapUsedBytes: memory.heapUsed, cpuMicros: cpu.user + cpu.system });
  } else if (message.type === 'stop') {
    void stop();
  }
});
// A parent that died or exited without "stop" still gets its database and queue keys removed.
process.on('disconnect', () => void stop());

const target = JSON.parse(process.argv[2] ?? '{}') as ServerTarget;
const started = target.kind === 'bare' ? startBare() : startScaiSend(target);
started.catch(async (error: Error) => {
  reply({ type: 'failed', message: error.stack ?? error.message });
  await cleanup().catch(() => undefined);
  process.exit(1);
});
