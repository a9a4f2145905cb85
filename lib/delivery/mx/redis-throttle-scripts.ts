import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * Lua that every script starts with. Time comes from the Redis server, so processes whose clocks
 * differ still share one schedule. A limit back at its maximum is removed from the hash, so a later
 * change of the configuration applies at once. These are the rules of `throttle-rules.ts`.
 */
const PRELUDE = `
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function limits(key, max_c, max_r)
  local stored = redis.call('HMGET', key, 'concurrency', 'rate')
  return math.min(tonumber(stored[1]) or max_c, max_c), math.min(tonumber(stored[2]) or max_r, max_r)
end
local function store_limits(key, c, r, max_c, max_r)
  if c >= max_c then redis.call('HDEL', key, 'concurrency') else redis.call('HSET', key, 'concurrency', c) end
  if r >= max_r then redis.call('HDEL', key, 'rate') else redis.call('HSET', key, 'rate', r) end
end
`;

/** A Lua script run with EVALSHA, and sent with EVAL when the server has not cached it yet. */
export class LuaScript {
  private readonly source: string;
  private readonly sha: string;

  constructor(body: string) {
    this.source = PRELUDE + body;
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(client: Redis | Cluster, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** KEYS: state. ARGV: max concurrency, max rate, max wait ms, state TTL ms. Returns {reserved 0|1, wait ms}. */
export const RESERVE_SEND = new LuaScript(`
local now = now_ms()
local _, rate = limits(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
local interval = 60000 / rate
local earliest = now - (math.max(1, math.floor(rate / 60)) - 1) * interval
local send_at = math.max(tonumber(redis.call('HGET', KEYS[1], 'next_send_at')) or earliest, earliest)
local wait = math.max(0, math.ceil(send_at - now))
if wait > tonumber(ARGV[3]) then return {0, wait} end
redis.call('HSET', KEYS[1], 'next_send_at', math.floor(send_at + interval + 0.5))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, wait}
`);

/** KEYS: state, slots. ARGV: max concurrency, max rate, slot id, lease ms. Returns 1 when the slot was taken. */
export const ACQUIRE_SLOT = new LuaScript(`
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local concurrency = limits(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[2]) >= concurrency then return 0 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
`);

/** KEYS: slots. ARGV: slot id, lease ms. Returns 1 when the slot was still held. */
export const RENEW_SLOT = new LuaScript(`
local now = now_ms()
local expires = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expires or tonumber(expires) <= now then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/**
 * KEYS: state. ARGV: max concurrency, max rate, cooldown ms, state TTL ms. Returns nil within the
 * cooldown, else {concurrency, rate, new concurrency, new rate}.
 */
export const RECORD_RATE_LIMITED = new LuaScript(`
local now = now_ms()
local max_c, max_r = tonumber(ARGV[1]), tonumber(ARGV[2])
local decreased_at = tonumber(redis.call('HGET', KEYS[1], 'decreased_at'))
if decreased_at and now - decreased_at < tonumber(ARGV[3]) then return nil end
local c, r = limits(KEYS[1], max_c, max_r)
local new_c, new_r = math.max(1, math.floor(c / 2)), math.max(1, math.floor(r / 2))
store_limits(KEYS[1], new_c, new_r, max_c, max_r)
redis.call('HSET', KEYS[1], 'successes', 0, 'decreased_at', now)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {c, r, new_c, new_r}
`);

/**
 * KEYS: state. ARGV: max concurrency, max rate, successes per step, rate step, state TTL ms.
 * Returns nil unless the success completed a step, else {concurrency, rate, new concurrency, new rate}.
 */
export const RECORD_SUCCESS = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local max_c, max_r = tonumber(ARGV[1]), tonumber(ARGV[2])
local c, r = limits(KEYS[1], max_c, max_r)
if c >= max_c and r >= max_r then return nil end
local successes = redis.call('HINCRBY', KEYS[1], 'successes', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if successes < tonumber(ARGV[3]) then return nil end
local new_c, new_r = math.min(max_c, c + 1), math.min(max_r, r + tonumber(ARGV[4]))
store_limits(KEYS[1], new_c, new_r, max_c, max_r)
redis.call('HSET', KEYS[1], 'successes', 0)
return {c, r, new_c, new_r}
`);
