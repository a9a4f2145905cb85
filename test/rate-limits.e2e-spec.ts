import { MessageEntity } from '../lib/messages/message.entity.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';

const SANDBOX_SEND = {
  personalizations: [{ to: [{ email: 'ada@example.com' }] }],
  from: { email: 'hello@example.com' },
  subject: 'Hello',
  content: [{ type: 'text/plain', value: 'Hi Ada' }],
  mail_settings: { sandbox_mode: { enable: true } },
};

const LIMITS = {
  mail_send: { limit: 2, windowSeconds: 60 },
  messages_list: { limit: 2, windowSeconds: 60 },
  api_key_create: { limit: 1, windowSeconds: 60 },
};

describe.each(['redis', 'postgres'] as const)('rate limits with queues on %s', (queue) => {
  let database: TestDatabase;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    database = await TestDatabase.create();
    app = await TestApp.start({ databaseUrl: database.url, queue, overrides: { rateLimits: LIMITS } });
    admin = await app.adminToken('acme');
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('refuses a send over the tenant limit', async () => {
    const first = await app.request('POST', '/v3/mail/send', admin, SANDBOX_SEND);
    const second = await app.request('POST', '/v3/mail/send', admin, SANDBOX_SEND);
    const third = await app.request('POST', '/v3/mail/send', admin, SANDBOX_SEND);

    expect([first.status, second.status, third.status]).toEqual([202, 202, 429]);
    expect([first, second, third].map((response) => response.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0']);
    expect(third.body).toEqual({ errors: [{ message: 'Rate limit exceeded', field: null, help: null }] });
    expect(third.headers.get('x-ratelimit-limit')).toBe('2');
    const reset = Number(third.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(third.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await app.dataSource.getRepository(MessageEntity).countBy({ tenantId: 'acme' })).toBe(2);
  });

  it('counts sends per tenant', async () => {
    const other = await app.adminToken('globex');

    const sent = await app.request('POST', '/v3/mail/send', other, SANDBOX_SEND);

    expect(sent.status).toBe(202);
  });

  it('counts message lists per credential', async () => {
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'reader', scopes: ['mail.send'] });
    expect(key.status).toBe(201);

    const byAdmin = [];
    for (let request = 0; request < 3; request++) byAdmin.push(await app.request('GET', '/v3/messages', admin));
    const byKey = await app.request('GET', '/v3/messages', key.body.api_key);

    expect(byAdmin.map((response) => response.status)).toEqual([200, 200, 429]);
    expect(byAdmin[2]?.body).toEqual({ detail: 'Rate limit exceeded' });
    expect(byKey.status).toBe(200);
    expect(byKey.headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('limits API key creation per tenant', async () => {
    const created = await app.request('POST', '/v3/api_keys', await app.adminToken('initech'), { name: 'first', scopes: ['mail.send'] });
    const rejected = await app.request('POST', '/v3/api_keys', await app.adminToken('initech'), { name: 'second', scopes: ['mail.send'] });

    expect([created.status, rejected.status]).toEqual([201, 429]);
  });

  it('applies the default limit elsewhere', async () => {
    const scopes = await app.request('GET', '/v3/scopes', admin);

    expect(scopes.status).toBe(200);
    expect(scopes.headers.get('x-ratelimit-limit')).toBe('1000');
  });

  it('counts no unauthenticated request', async () => {
    const rejected = await app.request('GET', '/v3/scopes', null);

    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('rate limits turned off', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await TestDatabase.create();
    app = await TestApp.start({ databaseUrl: database.url, overrides: { rateLimits: false } });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('sends no rate-limit headers', async () => {
    const scopes = await app.request('GET', '/v3/scopes', await app.adminToken('acme'));

    expect(scopes.status).toBe(200);
    expect(scopes.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('rate limits with unreachable counters', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await TestDatabase.create();
    const unreachable = {
      hit: async (): Promise<never> => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
      },
    };
    app = await TestApp.start({ databaseUrl: database.url, overrides: { rateLimitStore: unreachable } });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('serves requests uncounted', async () => {
    const scopes = await app.request('GET', '/v3/scopes', await app.adminToken('acme'));

    expect(scopes.status).toBe(200);
    expect(scopes.headers.get('x-ratelimit-limit')).toBeNull();
  });
});
