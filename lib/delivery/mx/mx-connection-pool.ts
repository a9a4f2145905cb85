import type { MxSession } from './mx-session.js';

/** Settings of the reuse of sessions with MX hosts. */
export interface ConnectionPoolSettings {
  /** Time an idle session stays open for the next transaction, in milliseconds; 0 closes each session after use. @default 30000 */
  idleTimeoutMs: number;
  /** Idle sessions kept per MX host; more are closed. @default 10 */
  maxIdlePerHost: number;
  /** Transactions per session before it is closed, since some servers cap them per connection. @default 100 */
  maxTransactionsPerSession: number;
}

export const DEFAULT_CONNECTION_POOL: ConnectionPoolSettings = { idleTimeoutMs: 30_000, maxIdlePerHost: 10, maxTransactionsPerSession: 100 };

/** Time `close()` waits for the replies to QUIT, in milliseconds. */
const QUIT_WAIT_MS = 5_000;

interface IdleSession {
  session: MxSession;
  timer: NodeJS.Timeout;
}

/**
 * Idle SMTP sessions by MX host, so consecutive transactions to a host share one connection. A
 * session is reset with RSET before its next transaction, and one that fails RSET is dropped. The
 * server may close an idle session at any time, which removes it from the pool.
 */
export class MxConnectionPool {
  private readonly idle = new Map<string, IdleSession[]>();
  private readonly watched = new WeakSet<MxSession>();
  private closed = false;

  constructor(private readonly settings: ConnectionPoolSettings) {}

  /**
   * Returns an idle session with the first of `hosts` that has one, reset and ready, or null.
   * Hosts come in MX preference order, so a session with a preferred host wins.
   */
  async take(hosts: string[], port: number): Promise<MxSession | null> {
    for (const host of hosts) {
      const key = poolKey(host, port);

      // Most recently used first: the server is least likely to have closed it.
      for (let entry = this.idle.get(key)?.pop(); entry; entry = this.idle.get(key)?.pop()) {
        clearTimeout(entry.timer);
        entry.session.setIdle(false);
        if (await entry.session.reset()) return entry.session;
      }
      if (this.idle.get(key)?.length === 0) this.idle.delete(key);
    }
    return null;
  }

  /** Keeps a session after its transaction, or quits it when it is spent, the host has enough idle ones or the pool closed. */
  give(session: MxSession): void {
    const key = poolKey(session.target.host, session.target.port);
    const entries = this.idle.get(key) ?? [];
    const spent = session.transactions >= this.settings.maxTransactionsPerSession;
    if (this.closed || !session.usable || spent || this.settings.idleTimeoutMs <= 0 || entries.length >= this.settings.maxIdlePerHost) {
      session.quit();
      return;
    }

    const entry: IdleSession = {
      session,
      timer: setTimeout(() => {
        this.remove(key, session);
        session.quit();
      }, this.settings.idleTimeoutMs),
    };
    entry.timer.unref();
    session.setIdle(true);
    entries.push(entry);
    this.idle.set(key, entries);

    if (this.watched.has(session)) return;
    this.watched.add(session);
    session.onClosed(() => this.remove(key, session));
  }

  /** Number of idle sessions with `host`. */
  idleCount(host: string, port: number): number {
    return this.idle.get(poolKey(host, port))?.length ?? 0;
  }

  /** Quits every idle session and waits for the servers to close them; sessions in use are quit when given back. */
  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.idle.values()].flat();
    this.idle.clear();

    await Promise.all(
      sessions.map(({ session, timer }) => {
        clearTimeout(timer);
        return new Promise<void>((resolve) => {
          const giveUp = setTimeout(() => {
            session.close();
            resolve();
          }, QUIT_WAIT_MS);
          giveUp.unref();
          session.onClosed(() => {
            clearTimeout(giveUp);
            resolve();
          });
          session.quit();
        });
      }),
    );
  }

  private remove(key: string, session: MxSession): void {
    const entries = this.idle.get(key);
    if (!entries) return;

    const index = entries.findIndex((entry) => entry.session === session);
    if (index >= 0) {
      clearTimeout(entries[index]?.timer);
      entries.splice(index, 1);
    }
    if (entries.length === 0) this.idle.delete(key);
  }
}

function poolKey(host: string, port: number): string {
  return `${host}:${port}`;
}
