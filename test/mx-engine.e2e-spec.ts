import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { DataSource } from 'typeorm';
import { createDnsResolver, type DnsResolver } from '../lib/common/dns-resolver.js';
import { MemoryThrottleStore } from '../lib/delivery/mx/memory-throttle-store.js';
import { PostgresThrottleStore } from '../lib/delivery/mx/postgres-throttle-store.js';
import { RedisThrottleStore } from '../lib/delivery/mx/redis-throttle-store.js';
import { ThrottleSlotEntity } from '../lib/delivery/mx/throttle-slot.entity.js';
import { ThrottleStateEntity } from '../lib/delivery/mx/throttle-state.entity.js';
import type { ThrottleStore } from '../lib/delivery/mx/throttle-store.js';
import { SmtpConnectionError, SmtpDelivery, type SmtpDeliveryOptions } from '../lib/delivery/smtp-delivery.js';
import { ThrottleState1765000000000 } from '../lib/migrations/postgres/1765000000000-throttle-state.js';
import { TestDnsServer } from './support/dns-server.js';
import { TestDatabase } from './support/test-database.js';

const REDIS_URL = process.env.SCAISEND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RAW = Buffer.from('From: sender@example.test\r\nTo: alice@example.org\r\nSubject: MX engine\r\nMessage-ID: <mx@example.test>\r\n\r\nHello.\r\n');

type Reply = { code: number; message: string } | undefined;

/** What the server does on one connection, numbered from 1 in the order clients connect. */
interface ConnectionScript {
  greetingDelayMs?: number;
  rcptDelayMs?: number;
  rcpt?: (address: string) => Reply;
  /** Time between the end of the message data and the reply to it. */
  dataReplyDelayMs?: number;
}

/**
 * A real SMTP server on 127.0.0.1 that counts TCP connections and simultaneous transactions
 * (MAIL FROM to the reply after the data), with replies and delays scripted per connection.
 */
class ScriptedMx {
  connections = 0;
  peakTransactions = 0;
  readonly messages: Array<{ to: string[] }> = [];
  script: (connection: number) => ConnectionScript = () => ({});
  private readonly inTransaction = new Set<string>();
  private readonly connectionOf = new Map<string, number>();

  private constructor(private readonly server: SMTPServer) {}

  static async start(options: { starttls?: boolean } = {}): Promise<ScriptedMx> {
    let mx: ScriptedMx | undefined;
    const server = new SMTPServer({
      secure: false,
      logger: false,
      authOptional: true,
      hideENHANCEDSTATUSCODES: true,
      disabledCommands: options.starttls ? [] : ['STARTTLS'],
      closeTimeout: 1000,
      onConnect: (session, callback) => mx?.connect(session, callback),
      onMailFrom: (_address, session, callback) => mx?.mailFrom(session, callback),
      onRcptTo: (address, session, callback) => mx?.rcpt(address.address, session, callback),
      onData: (stream, session, callback) => mx?.data(stream, session, callback),
      onClose: (session) => mx?.inTransaction.delete(session.id),
    });
    mx = new ScriptedMx(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return mx;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  reset(): void {
    this.connections = 0;
    this.peakTransactions = 0;
    this.messages.length = 0;
    this.script = () => ({});
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private scriptOf(session: SMTPServerSession): ConnectionScript {
    return this.script(this.connectionOf.get(session.id) ?? 0);
  }

  private connect(session: SMTPServerSession, callback: (error?: Error | null) => void): void {
    this.connections += 1;
    this.connectionOf.set(session.id, this.connections);
    later(() => callback(), this.scriptOf(session).greetingDelayMs);
  }

  private mailFrom(session: SMTPServerSession, callback: (error?: Error | null) => void): void {
    this.inTransaction.add(session.id);
    this.peakTransactions = Math.max(this.peakTransactions, this.inTransaction.size);
    callback();
  }

  private rcpt(address: string, session: SMTPServerSession, callback: (error?: Error | null) => void): void {
    const script = this.scriptOf(session);
    const reply = script.rcpt?.(address);
    later(() => callback(reply ? Object.assign(new Error(reply.message), { responseCode: reply.code }) : null), script.rcptDelayMs);
  }

  private data(stream: NodeJS.ReadableStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void): void {
    stream.on('end', () => {
      this.messages.push({ to: session.envelope.rcptTo.map((recipient) => recipient.address) });
      later(() => {
        this.inTransaction.delete(session.id);
        callback(null, 'OK: queued');
      }, this.scriptOf(session).dataReplyDelayMs);
    });
    stream.resume();
  }
}

/**
 * A TCP front on 127.0.0.1 for a host whose TLS handshake fails. Its first connection offers
 * STARTTLS, accepts it and then sends bytes that are no TLS handshake. Later connections pass
 * through to the server on `backendPort`.
 */
async function startBrokenTlsFront(backendPort: number): Promise<{ port: number; stop: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    if (connections > 1) {
      const backend = connect(backendPort, '127.0.0.1');
      socket.pipe(backend).pipe(socket);
      // A pipe stops reading once its destination is gone, so each side ends the other outright.
      backend.on('close', () => socket.destroy());
      socket.on('close', () => backend.destroy());
      backend.on('error', () => undefined);
      socket.on('error', () => undefined);
      return;
    }

    let upgrading = false;
    socket.write('220 broken.example.org ESMTP\r\n');
    socket.on('data', (chunk) => {
      const line = chunk.toString();
      if (upgrading) {
        // Reply to the client's TLS hello with bytes that are not TLS.
        socket.end('this is not a TLS handshake\r\n');
      } else if (/^EHLO/i.test(line)) {
        socket.write('250-broken.example.org\r\n250 STARTTLS\r\n');
      } else if (/^STARTTLS/i.test(line)) {
        upgrading = true;
        socket.write('220 Ready to start TLS\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs `reply` after `delayMs`; a reply still pending when the tests end does not keep Jest running. */
function later(reply: () => void, delayMs = 0): void {
  setTimeout(reply, delayMs).unref();
}

/** Log lines of the throttle, as `level: message`. */
function captureThrottleLog(): string[] {
  const lines: string[] = [];
  for (const level of ['warn', 'log'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown) {
      if ((this as unknown as { context?: string }).context === 'DomainThrottle') lines.push(`${level}: ${String(message)}`);
    });
  }
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  return lines;
}

interface StoreFixture {
  store: ThrottleStore;
  stop: () => Promise<void>;
}

const STORES: Array<[string, () => Promise<StoreFixture>]> = [
  [
    'memory',
    async () => {
      const store = new MemoryThrottleStore();
      return { store, stop: () => store.close() };
    },
  ],
  [
    'Redis',
    async () => {
      const keyPrefix = `scaisend-test:${randomBytes(6).toString('hex')}`;
      const store = RedisThrottleStore.connect({ url: REDIS_URL }, { keyPrefix });
      return {
        store,
        stop: async () => {
          const cleaner = new Redis(REDIS_URL);
          const keys = await cleaner.keys(`${keyPrefix}:*`);
          if (keys.length > 0) await cleaner.del(...keys);
          await cleaner.quit();
          await store.close();
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const database = await TestDatabase.create();
      const dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [ThrottleStateEntity, ThrottleSlotEntity], migrations: [ThrottleState1765000000000] });
      await dataSource.initialize();
      await dataSource.runMigrations();
      return {
        store: new PostgresThrottleStore(dataSource),
        stop: async () => {
          await dataSource.destroy();
          await database.drop();
        },
      };
    },
  ],
];

describe('MX engine', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let mx: ScriptedMx;
  let tlsMx: ScriptedMx;
  const deliveries: SmtpDelivery[] = [];

  beforeAll(async () => {
    dns = await TestDnsServer.start();
    resolver = createDnsResolver([dns.address]);
    mx = await ScriptedMx.start();
    tlsMx = await ScriptedMx.start({ starttls: true });
  });

  beforeEach(() => {
    dns.clear();
    dns.setMx('example.org', [
      { exchange: 'mx1.example.org', priority: 10 },
      { exchange: 'mx2.example.org', priority: 20 },
    ]);
    dns.setA('mx1.example.org', ['127.0.0.1']);
    dns.setA('mx2.example.org', ['127.0.0.1']);
    mx.reset();
    tlsMx.reset();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(deliveries.splice(0).map((delivery) => delivery.close()));
  });

  afterAll(async () => {
    await Promise.all([dns.stop(), mx.stop(), tlsMx.stop()]);
  });

  function delivery(options: Partial<SmtpDeliveryOptions> = {}, port = mx.port): SmtpDelivery {
    const created = new SmtpDelivery({ resolver, mxPort: port, heloName: 'mta.example.test', ...options });
    deliveries.push(created);
    return created;
  }

  function send(via: SmtpDelivery, to = 'alice@example.org') {
    return via.send(RAW, { from: 'bounce@example.test', to: [to] });
  }

  describe('connection reuse', () => {
    it('sends consecutive messages over one connection', async () => {
      const via = delivery();

      for (let message = 0; message < 5; message++) expect((await send(via, `user${message}@example.org`)).recipients[0]?.accepted).toBe(true);

      expect(mx.connections).toBe(1);
      expect(mx.messages.map((message) => message.to)).toEqual([0, 1, 2, 3, 4].map((message) => [`user${message}@example.org`]));
    });

    it('opens a new connection after the idle timeout', async () => {
      const via = delivery({ connectionPool: { idleTimeoutMs: 20 } });

      await send(via);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await send(via);

      expect(mx.connections).toBe(2);
    });

    it('caps transactions per connection', async () => {
      const via = delivery({ connectionPool: { maxTransactionsPerSession: 2 } });

      for (let message = 0; message < 5; message++) await send(via);

      expect(mx.connections).toBe(3);
      expect(mx.messages).toHaveLength(5);
    });

    it('keeps the session after a rejected recipient', async () => {
      const via = delivery();
      mx.script = () => ({ rcpt: (address) => (address === 'nobody@example.org' ? { code: 550, message: '5.1.1 No such user' } : undefined) });

      const rejected = await send(via, 'nobody@example.org');
      const accepted = await send(via, 'alice@example.org');

      expect(rejected.recipients[0]).toMatchObject({ accepted: false, code: 550 });
      expect(accepted.recipients[0]).toMatchObject({ accepted: true, code: 250 });
      expect(mx.connections).toBe(1);
    });
  });

  describe('requireTls', () => {
    it('defers when the host does not offer STARTTLS', async () => {
      const sending = send(delivery({ requireTls: true }));

      await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
      await expect(sending).rejects.toMatchObject({ code: 'ETLS', message: expect.stringMatching(/mx2\.example\.org does not offer STARTTLS, and requireTls forbids sending without TLS/) });
      expect(mx.messages).toHaveLength(0);
    });

    it('delivers over STARTTLS', async () => {
      const result = await send(delivery({ requireTls: true }, tlsMx.port));

      expect(result.tls).toBe(true);
      expect(result.recipients[0]?.accepted).toBe(true);
    });

    it('retries plaintext after a TLS failure', async () => {
      const front = await startBrokenTlsFront(mx.port);

      try {
        const result = await send(delivery({ timeouts: { handshakeMs: 5000 } }, front.port));

        expect(result.mxHost).toBe('mx1.example.org');
        expect(result.tls).toBe(false);
        expect(result.recipients[0]?.accepted).toBe(true);
      } finally {
        await Promise.all(deliveries.splice(0).map((created) => created.close()));
        await front.stop();
      }
    });

    it('skips a host whose TLS fails', async () => {
      const front = await startBrokenTlsFront(tlsMx.port);

      try {
        const result = await send(delivery({ requireTls: true, timeouts: { handshakeMs: 5000 } }, front.port));

        expect(result.mxHost).toBe('mx2.example.org');
        expect(result.tls).toBe(true);
      } finally {
        await Promise.all(deliveries.splice(0).map((created) => created.close()));
        await front.stop();
      }
    });

    it('sends in plaintext by default', async () => {
      const result = await send(delivery());

      expect(result.tls).toBe(false);
      expect(result.recipients[0]?.accepted).toBe(true);
    });
  });

  describe('phase timeouts', () => {
    const timeouts = { connectMs: 300, handshakeMs: 300, envelopeMs: 300, dataMs: 300 };

    it('moves on after a slow greeting', async () => {
      mx.script = (connection) => (connection === 1 ? { greetingDelayMs: 3000 } : {});

      const result = await send(delivery({ timeouts }));

      expect(result.mxHost).toBe('mx2.example.org');
      expect(result.recipients[0]?.accepted).toBe(true);
      expect(mx.connections).toBe(2);
    });

    it('moves on after a slow RCPT reply', async () => {
      mx.script = (connection) => (connection === 1 ? { rcptDelayMs: 3000 } : {});

      const result = await send(delivery({ timeouts }));

      expect(result.mxHost).toBe('mx2.example.org');
      expect(result.recipients[0]?.accepted).toBe(true);
    });

    it('defers a DATA timeout as unknown', async () => {
      mx.script = () => ({ dataReplyDelayMs: 3000 });

      const result = await send(delivery({ timeouts }));

      expect(result.mxHost).toBe('mx1.example.org');
      expect(result.recipients[0]).toMatchObject({ accepted: false, code: null, outcomeUnknown: true });
      expect(result.recipients[0]?.response).toMatch(/mx1\.example\.org timed out after 300 ms in DATA; the message data had begun/);
      expect(mx.connections).toBe(1);
      expect(mx.messages).toHaveLength(1);
    });

    it('throws when every host times out', async () => {
      mx.script = () => ({ greetingDelayMs: 3000 });

      const sending = send(delivery({ timeouts }));

      await expect(sending).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringMatching(/timed out after 300 ms in connect and greeting/) });
    });
  });

  describe('temporary replies', () => {
    it('defers greylisting on the same host', async () => {
      const store = new MemoryThrottleStore();
      const via = delivery({ throttle: { store } });
      mx.script = () => ({ rcpt: () => ({ code: 451, message: '4.7.1 Greylisted, please try again later' }) });

      const result = await send(via);

      expect(result.mxHost).toBe('mx1.example.org');
      expect(result.recipients[0]).toMatchObject({ accepted: false, code: 451, enhancedStatus: '4.7.1' });
      expect(mx.connections).toBe(1);
      expect(await store.limits('example.org', { max: { concurrency: 10, ratePerMinute: 600 }, increaseAfter: 20, decreaseCooldownMs: 0, stateTtlMs: 60_000 })).toEqual({ concurrency: 10, ratePerMinute: 600 });
    });

    it('lowers the limits on a 421', async () => {
      captureThrottleLog();
      const store = new MemoryThrottleStore();
      const via = delivery({ throttle: { store } });
      mx.script = () => ({ rcpt: () => ({ code: 421, message: '4.7.0 Too many connections, try again later' }) });

      const result = await send(via);

      expect(result.recipients[0]).toMatchObject({ accepted: false, code: 421, enhancedStatus: '4.7.0' });
      expect(mx.connections).toBe(1);
      expect(await store.limits('example.org', { max: { concurrency: 10, ratePerMinute: 600 }, increaseAfter: 20, decreaseCooldownMs: 0, stateTtlMs: 60_000 })).toEqual({ concurrency: 5, ratePerMinute: 300 });
    });

    it('defers locally beyond the rate wait', async () => {
      const via = delivery({ ratePerMinute: { perDomain: { 'example.org': 1 } } });

      const first = await send(via);
      const second = await send(via);

      expect(first.recipients[0]?.accepted).toBe(true);
      expect(second.mxHost).toBeNull();
      expect(second.recipients[0]).toMatchObject({ accepted: false, code: 451, enhancedStatus: '4.7.0' });
      expect(second.recipients[0]?.response).toMatch(/^451 4\.7\.0 ScaiSend throttling example\.org: its next send time is \d+ s away$/);
      expect(second.recipients[0]?.retryAfterMs).toBeGreaterThan(30_000);
      expect(second.recipients[0]?.heldBack).toBe(true);
      expect(mx.messages).toHaveLength(1);
    });
  });

  describe('per-domain concurrency', () => {
    it('runs at most the domain limit at a time', async () => {
      const via = delivery({ concurrency: { default: 10, perDomain: { 'example.org': 2 } } });
      mx.script = () => ({ dataReplyDelayMs: 100 });

      const results = await Promise.all(Array.from({ length: 6 }, (_, index) => send(via, `user${index}@example.org`)));

      expect(results.every((result) => result.recipients[0]?.accepted)).toBe(true);
      expect(mx.peakTransactions).toBe(2);
    });
  });

  describe.each(STORES)('with a %s store', (_name, startStore) => {
    let fixture: StoreFixture;

    beforeEach(async () => {
      fixture = await startStore();
    });

    afterEach(async () => {
      await Promise.all(deliveries.splice(0).map((created) => created.close()));
      await fixture.stop();
    });

    it('keeps one concurrency limit across two instances', async () => {
      const options = { concurrency: { default: 2 }, throttle: { store: fixture.store } };
      const first = delivery(options);
      const second = delivery(options);
      mx.script = () => ({ dataReplyDelayMs: 100 });

      const results = await Promise.all(Array.from({ length: 8 }, (_, index) => send(index % 2 === 0 ? first : second, `user${index}@example.org`)));

      expect(results.every((result) => result.recipients[0]?.accepted)).toBe(true);
      expect(mx.messages).toHaveLength(8);
      expect(mx.peakTransactions).toBeLessThanOrEqual(2);
    });

    it('adapts the limits to replies', async () => {
      const log = captureThrottleLog();
      const throttle = { store: fixture.store, increaseAfter: 2, decreaseCooldownMs: 0 };
      const limits = { concurrency: { default: 8 }, ratePerMinute: { default: 480 } };
      const policy = { max: { concurrency: 8, ratePerMinute: 480 }, increaseAfter: 2, decreaseCooldownMs: 0, stateTtlMs: 3_600_000 };
      const first = delivery({ ...limits, throttle });
      const second = delivery({ ...limits, throttle });
      const replies: Reply[] = [{ code: 421, message: '4.7.0 Try again later, closing connection' }, { code: 451, message: '4.7.0 Too many messages, slow down' }];
      mx.script = () => ({ rcpt: () => replies.shift() });
      const seen = [];

      for (let message = 0; message < 6; message++) {
        await send(message % 2 === 0 ? first : second, `user${message}@example.org`);
        seen.push(await fixture.store.limits('example.org', policy));
      }

      expect(seen).toEqual([
        { concurrency: 4, ratePerMinute: 240 },
        { concurrency: 2, ratePerMinute: 120 },
        { concurrency: 2, ratePerMinute: 120 },
        { concurrency: 3, ratePerMinute: 168 },
        { concurrency: 3, ratePerMinute: 168 },
        { concurrency: 4, ratePerMinute: 216 },
      ]);
      expect(log).toEqual([
        'warn: Throttling example.org: concurrency 8 -> 4, rate 480/min -> 240/min after "421 4.7.0 Try again later, closing connection"',
        'warn: Throttling example.org: concurrency 4 -> 2, rate 240/min -> 120/min after "451 4.7.0 Too many messages, slow down"',
        'log: Easing throttling of example.org: concurrency 2 -> 3, rate 120/min -> 168/min after 2 successful transactions',
        'log: Easing throttling of example.org: concurrency 3 -> 4, rate 168/min -> 216/min after 2 successful transactions',
      ]);
    });
  });
});
