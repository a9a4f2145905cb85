import { checkPostgres, checkRedis, redactUrl, StartupError } from './startup-checks.js';

// Port 1 on loopback has no listener, so each connection is refused at once.
const CLOSED_POSTGRES = 'postgres://scaisend:secret@127.0.0.1:1/scaisend';
const CLOSED_REDIS = 'redis://:secret@127.0.0.1:1/0';

describe('startup checks', () => {
  it('names an unreachable PostgreSQL and what to do', async () => {
    const error = await checkPostgres(CLOSED_POSTGRES, 'SCAISEND_DATABASE_URL').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain('postgres://scaisend:***@127.0.0.1:1/scaisend');
    expect((error as Error).message).toContain('Start PostgreSQL');
    expect((error as Error).message).not.toContain('secret');
  });

  it('names an unreachable Redis and what to do', async () => {
    const error = await checkRedis(CLOSED_REDIS).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).toContain('Start Redis');
    expect((error as Error).message).not.toContain('secret');
  });

  it('passes a reachable PostgreSQL and Redis', async () => {
    await expect(checkPostgres('postgres://postgres@127.0.0.1:5432/postgres', 'test')).resolves.toBeUndefined();
    await expect(checkRedis('redis://127.0.0.1:6379/0')).resolves.toBeUndefined();
  });

  it('masks the password of a URL', () => {
    expect(redactUrl('redis://user:pw@127.0.0.1:6379/2')).toBe('redis://user:***@127.0.0.1:6379/2');
  });
});
