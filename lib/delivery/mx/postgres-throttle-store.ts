import type { DataSource, QueryResult } from 'typeorm';
import { applyRateLimited, applySuccess, currentLimits, freshState, reserveSendTime, type StateUpdate, type ThrottleState } from './throttle-rules.js';
import type { DomainLimits, LimitsChange, SendReservation, ThrottlePolicy, ThrottleStore } from './throttle-store.js';

type Run = (sql: string, parameters?: unknown[]) => Promise<QueryResult>;

/** Time between deletions of forgotten domains and expired slots, in milliseconds. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

const NOW_MS = 'extract(epoch from clock_timestamp()) * 1000';

const ENSURE_STATE = `INSERT INTO "scaisend_throttle_state" ("domain", "successes", "updated_at") VALUES ($1, 0, clock_timestamp()) ON CONFLICT ("domain") DO NOTHING`;

// Times come back as milliseconds since the epoch, and "now" is the database's, so processes whose
// clocks differ still share one schedule.
const SELECT_STATE = `SELECT "concurrency", "rate_per_minute", "successes",
  extract(epoch from "decreased_at") * 1000 AS "decreased_at",
  extract(epoch from "next_send_at") * 1000 AS "next_send_at",
  extract(epoch from "updated_at") * 1000 AS "updated_at",
  ${NOW_MS} AS "now"
  FROM "scaisend_throttle_state" WHERE "domain" = $1`;

const LOCK_STATE = `${SELECT_STATE} FOR UPDATE`;

const WRITE_STATE = `UPDATE "scaisend_throttle_state" SET "concurrency" = $2, "rate_per_minute" = $3, "successes" = $4,
  "decreased_at" = to_timestamp($5::float8 / 1000), "next_send_at" = to_timestamp($6::float8 / 1000), "updated_at" = to_timestamp($7::float8 / 1000)
  WHERE "domain" = $1`;

interface StateRow {
  concurrency: number | null;
  rate_per_minute: number | null;
  successes: number;
  decreased_at: string | null;
  next_send_at: string | null;
  updated_at: string;
  now: string;
}

/**
 * Throttling state in PostgreSQL tables `scaisend_throttle_state` and `scaisend_throttle_slots`
 * (migration `ThrottleState1765000000000`), through the host's TypeORM DataSource. Each change runs
 * in a transaction that locks the domain's row with `SELECT … FOR UPDATE`, so processes that share
 * the database apply changes one at a time. The rules are those of `throttle-rules.ts`.
 */
export class PostgresThrottleStore implements ThrottleStore {
  private lastPruneAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  async limits(domain: string, policy: ThrottlePolicy): Promise<DomainLimits> {
    const { records } = await this.run(SELECT_STATE, [domain]);
    const row = records[0] as StateRow | undefined;
    return currentLimits(row ? freshState(toState(row), policy, Number(row.now)) : null, policy.max);
  }

  async reserveSend(domain: string, policy: ThrottlePolicy, maxWaitMs: number): Promise<SendReservation> {
    await this.pruneWhenDue(policy);
    return this.update(domain, (state, now) => reserveSendTime(state, policy, now, maxWaitMs));
  }

  async acquireSlot(domain: string, policy: ThrottlePolicy, slotId: string, leaseMs: number): Promise<boolean> {
    return this.inTransaction(async (run) => {
      const { state, now } = await lockState(run, domain);
      const { concurrency } = currentLimits(freshState(state, policy, now), policy.max);

      // Statements after the lock see every slot that an earlier holder of the lock committed.
      await run(`DELETE FROM "scaisend_throttle_slots" WHERE "domain" = $1 AND "expires_at" <= clock_timestamp()`, [domain]);
      const { records } = await run(`SELECT count(*)::int AS "held" FROM "scaisend_throttle_slots" WHERE "domain" = $1`, [domain]);
      if (Number((records[0] as { held: number }).held) >= concurrency) return false;

      await run(`INSERT INTO "scaisend_throttle_slots" ("id", "domain", "expires_at") VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')`, [slotId, domain, leaseMs]);
      return true;
    });
  }

  async renewSlot(_domain: string, slotId: string, leaseMs: number): Promise<boolean> {
    const { affected } = await this.run(
      `UPDATE "scaisend_throttle_slots" SET "expires_at" = clock_timestamp() + $2 * interval '1 millisecond' WHERE "id" = $1 AND "expires_at" > clock_timestamp()`,
      [slotId, leaseMs],
    );
    return (affected ?? 0) > 0;
  }

  async releaseSlot(_domain: string, slotId: string): Promise<void> {
    await this.run(`DELETE FROM "scaisend_throttle_slots" WHERE "id" = $1`, [slotId]);
  }

  async recordRateLimited(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null> {
    return this.update(domain, (state, now) => applyRateLimited(state, policy, now));
  }

  async recordSuccess(domain: string, policy: ThrottlePolicy): Promise<LimitsChange | null> {
    return this.update(domain, (state, now) => applySuccess(state, policy, now));
  }

  /** Leaves the DataSource open: the host owns it. */
  async close(): Promise<void> {}

  private update<T>(domain: string, rule: (state: ThrottleState | null, now: number) => StateUpdate<T>): Promise<T> {
    return this.inTransaction(async (run) => {
      const { state, now } = await lockState(run, domain);
      const { state: next, write, result } = rule(state, now);
      if (write && next) {
        await run(WRITE_STATE, [domain, next.concurrency, next.ratePerMinute, next.successes, next.decreasedAt, next.nextSendAt, next.updatedAt]);
      }
      return result;
    });
  }

  private async pruneWhenDue(policy: ThrottlePolicy): Promise<void> {
    if (Date.now() - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = Date.now();

    await this.run(`DELETE FROM "scaisend_throttle_state" WHERE "updated_at" < clock_timestamp() - $1 * interval '1 millisecond'`, [policy.stateTtlMs]);
    await this.run(`DELETE FROM "scaisend_throttle_slots" WHERE "expires_at" <= clock_timestamp()`);
  }

  private async run(sql: string, parameters?: unknown[]): Promise<QueryResult> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runner.query(sql, parameters, true);
    } finally {
      await runner.release();
    }
  }

  private async inTransaction<T>(work: (run: Run) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work((sql, parameters) => runner.query(sql, parameters, true));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/** Creates the domain's row when it has none, then locks it until the transaction ends. */
async function lockState(run: Run, domain: string): Promise<{ state: ThrottleState; now: number }> {
  await run(ENSURE_STATE, [domain]);
  const { records } = await run(LOCK_STATE, [domain]);
  const row = records[0] as StateRow;
  return { state: toState(row), now: Number(row.now) };
}

function toState(row: StateRow): ThrottleState {
  return {
    concurrency: row.concurrency,
    ratePerMinute: row.rate_per_minute,
    successes: row.successes,
    decreasedAt: row.decreased_at === null ? null : Number(row.decreased_at),
    nextSendAt: row.next_send_at === null ? null : Number(row.next_send_at),
    updatedAt: Number(row.updated_at),
  };
}
