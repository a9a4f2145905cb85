import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { ScaiSendModuleOptions } from '../../lib/index.js';
import { createAdminToken } from '../../sample-app/admin-token.js';
import { AppModule } from '../../sample-app/app.module.js';
import { configureSampleApp } from '../../sample-app/http-setup.js';
import type { SampleAppConfig } from '../../sample-app/config.js';

export interface TestAppOptions {
  databaseUrl: string;
  /** Queues on Redis (127.0.0.1:6379, a key prefix of their own) unless `postgres`. */
  queue?: 'redis' | 'postgres';
  config?: Partial<SampleAppConfig>;
  overrides?: Partial<ScaiSendModuleOptions>;
}

/** The sample-app's module, listening on 127.0.0.1 on a port of its own. */
export class TestApp {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly config: SampleAppConfig,
    private readonly queuePrefix: string | undefined,
  ) {}

  static async start(options: TestAppOptions): Promise<TestApp> {
    const config: SampleAppConfig = {
      port: 0,
      databaseUrl: options.databaseUrl,
      redis: options.queue === 'postgres' ? undefined : { host: '127.0.0.1', port: 6379, db: 0 },
      mxPort: 25,
      dnsServers: [],
      publicUrl: 'http://127.0.0.1',
      jwtSecret: randomBytes(32).toString('hex'),
      secretKey: randomBytes(32).toString('hex'),
      spfMechanisms: 'a mx',
      webhookAllowPrivate: true,
      inboundSmtpHost: '127.0.0.1',
      dataDir: '/nonexistent',
      ...options.config,
    };
    const queue = config.redis
      ? { redis: { ...config.redis, maxRetriesPerRequest: null }, prefix: `scaisend-test-${randomBytes(4).toString('hex')}` }
      : undefined;
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.register({ ...config, databaseUrl: options.databaseUrl }, { ...(queue ? { queue } : {}), ...options.overrides })],
    }).compile();

    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    configureSampleApp(app);
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new TestApp(app, `http://127.0.0.1:${port}`, config, queue?.prefix);
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** Creates an admin JWT of the tenant, as `npm run token` prints it. */
  adminToken(tenantId: string, permissions?: string[]): Promise<string> {
    return createAdminToken(this.config.jwtSecret, tenantId, permissions);
  }

  /** Sends a JSON request and returns the status and parsed body. */
  async request(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = typeof body === 'string' || body === undefined ? body : JSON.stringify(body);
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // A body that is not JSON is returned as text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Polls until `check` returns a value other than undefined. */
  async waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Closes the app and deletes the Redis keys of its queues. */
  async close(): Promise<void> {
    await this.app.close();
    if (!this.queuePrefix || !this.config.redis) return;

    const redis = new Redis({ host: this.config.redis.host, port: this.config.redis.port, db: this.config.redis.db });
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${this.queuePrefix}:*`, count: 500 })) keys.push(...(batch as string[]));
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }
}
