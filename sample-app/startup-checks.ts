import { Redis } from 'ioredis';
import pg from 'pg';

/** A start-up failure whose message names the fix for the operator. */
export class StartupError extends Error {}

/** Returns the URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Connects once to PostgreSQL, so an unreachable database fails start-up with a clear message. */
export async function checkPostgres(url: string, source: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new StartupError(
      `Cannot connect to PostgreSQL at ${redactUrl(url)} (${source}): ${(error as Error).message}. ` +
        'Start PostgreSQL, or fix SCAISEND_DATABASE_URL, or unset it to use the embedded PostgreSQL.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Pings Redis once, so an unreachable Redis fails start-up with a clear message. */
export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis rejects connect() with "Connection is closed", so the socket error gives the cause.
  let socketError: Error | undefined;
  redis.on('error', (error: Error) => (socketError ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const reason = (socketError ?? (error as Error)).message.replace(/\.$/, '');
    throw new StartupError(
      `Cannot connect to Redis at ${redactUrl(url)}: ${reason}. ` +
        'Start Redis, or fix SCAISEND_REDIS_URL, or unset it to run the queues on PostgreSQL.',
    );
  } finally {
    redis.disconnect();
  }
}
