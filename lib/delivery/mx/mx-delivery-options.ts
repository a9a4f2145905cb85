import { domainSettingProblems, type DomainSetting } from './domain-setting.js';
import { DEFAULT_CONNECTION_POOL, type ConnectionPoolSettings } from './mx-connection-pool.js';
import { DEFAULT_SMTP_TIMEOUTS, type SmtpTimeouts } from './smtp-phase-watch.js';
import type { ThrottleStore } from './throttle-store.js';

/** Settings of the adaptive throttling and of the wait for a send's turn. */
export interface MxThrottleOptions {
  /**
   * Store of the limits and slots, shared by every process that delivers. Leave it unset for a
   * single process; `ScaiSendModule` passes one on the queue's Redis or PostgreSQL.
   * @default a store in this process's memory
   */
  store?: ThrottleStore;
  /** Maximum wait of a send for its domain's rate or a free slot, in milliseconds; after it the recipients are deferred with 451 4.7.0. @default 30000 */
  maxWaitMs?: number;
  /** Successful transactions that raise a lowered domain's limits by one step (+1 concurrency, +10% of the maximum rate). @default 20 */
  increaseAfter?: number;
  /** Time after a decrease during which more rate-limit replies lower nothing, in milliseconds. @default 10000 */
  decreaseCooldownMs?: number;
  /** Time after its last update when a domain's state is forgotten and its maximums apply again, in milliseconds. @default 3600000 */
  stateTtlMs?: number;
}

/** Settings of direct delivery to recipient domains' MX hosts. Relay delivery ignores them. */
export interface MxDeliveryOptions {
  /** Defer instead of sending in plaintext when an MX host does not offer STARTTLS or its handshake fails. The certificate is not verified. @default false */
  requireTls?: boolean;
  /** Time allowed per phase of an SMTP session, in milliseconds. @default { connectMs: 30000, handshakeMs: 60000, envelopeMs: 120000, dataMs: 600000 } */
  timeouts?: Partial<SmtpTimeouts>;
  /** Maximum simultaneous transactions per recipient domain, across every process. @default { default: 10 } */
  concurrency?: DomainSetting;
  /** Maximum transactions started per minute per recipient domain, across every process. @default { default: 600 } */
  ratePerMinute?: DomainSetting;
  throttle?: MxThrottleOptions;
  /** Reuse of sessions with MX hosts. @default { idleTimeoutMs: 30000, maxIdlePerHost: 10, maxTransactionsPerSession: 100 } */
  connectionPool?: Partial<ConnectionPoolSettings>;
}

/** {@link MxThrottleOptions} with every default applied, the store aside. */
export type ResolvedMxThrottle = Required<Omit<MxThrottleOptions, 'store'>>;

export const DEFAULT_MX_THROTTLE: ResolvedMxThrottle = { maxWaitMs: 30_000, increaseAfter: 20, decreaseCooldownMs: 10_000, stateTtlMs: 3_600_000 };

/** Applies the defaults of the timeouts; `connectMs` falls back to `connectionTimeoutMs` of older configurations. */
export function resolveTimeouts(timeouts: Partial<SmtpTimeouts> | undefined, connectionTimeoutMs?: number): SmtpTimeouts {
  return { ...DEFAULT_SMTP_TIMEOUTS, ...(connectionTimeoutMs ? { connectMs: connectionTimeoutMs } : {}), ...timeouts };
}

export function resolveThrottle(throttle: MxThrottleOptions | undefined): ResolvedMxThrottle {
  const { store: _store, ...settings } = throttle ?? {};
  return { ...DEFAULT_MX_THROTTLE, ...settings };
}

export function resolveConnectionPool(pool: Partial<ConnectionPoolSettings> | undefined): ConnectionPoolSettings {
  return { ...DEFAULT_CONNECTION_POOL, ...pool };
}

/** Lists what is wrong with `options`, one `path.key: problem` line each, for the module's option check. */
export function mxDeliveryOptionProblems(options: MxDeliveryOptions | undefined, path = 'mxDelivery'): string[] {
  if (options === undefined) return [];
  if (typeof options !== 'object' || options === null) return [`${path}: must be an object`];

  const problems = [...domainSettingProblems(`${path}.concurrency`, options.concurrency), ...domainSettingProblems(`${path}.ratePerMinute`, options.ratePerMinute)];
  if (options.requireTls !== undefined && typeof options.requireTls !== 'boolean') problems.push(`${path}.requireTls: must be true or false`);

  const { timeouts, throttle, connectionPool } = options;
  const numbers: Array<[string, unknown, number]> = [
    ['timeouts.connectMs', timeouts?.connectMs, 1],
    ['timeouts.handshakeMs', timeouts?.handshakeMs, 1],
    ['timeouts.envelopeMs', timeouts?.envelopeMs, 1],
    ['timeouts.dataMs', timeouts?.dataMs, 1],
    ['throttle.maxWaitMs', throttle?.maxWaitMs, 0],
    ['throttle.increaseAfter', throttle?.increaseAfter, 1],
    ['throttle.decreaseCooldownMs', throttle?.decreaseCooldownMs, 0],
    ['throttle.stateTtlMs', throttle?.stateTtlMs, 1],
    ['connectionPool.idleTimeoutMs', connectionPool?.idleTimeoutMs, 0],
    ['connectionPool.maxIdlePerHost', connectionPool?.maxIdlePerHost, 0],
    ['connectionPool.maxTransactionsPerSession', connectionPool?.maxTransactionsPerSession, 1],
  ];
  for (const [key, value, minimum] of numbers) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= minimum)) {
      problems.push(`${path}.${key}: must be a number >= ${minimum}, got ${String(value)}`);
    }
  }
  return problems;
}
