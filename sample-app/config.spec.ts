import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig, resolveSecret } from './config.js';

const SECRET_KEY = 'k'.repeat(32);

describe('loadConfig', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scaisend-config-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  function configError(env: NodeJS.ProcessEnv): ConfigError {
    try {
      loadConfig(env, dataDir);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('loadConfig accepted the environment');
  }

  it('applies defaults to an empty environment', () => {
    const config = loadConfig({}, dataDir);

    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redis).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.smtpRelayUrl).toBeUndefined();
    expect(config.mxPort).toBe(25);
    expect(config.dnsServers).toEqual([]);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.jwksUrl).toBeUndefined();
    expect(config.spfMechanisms).toBe('a mx');
    expect(config.webhookAllowPrivate).toBe(false);
    expect(config.deliveryRetryDelays).toBeUndefined();
    expect(config.webhookRetryDelays).toBeUndefined();
    expect(config.dataDir).toBe(dataDir);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', SCAISEND_REDIS_URL: ' ', SCAISEND_SECRET_KEY: '' }, dataDir);

    expect(config.port).toBe(3000);
    expect(config.redis).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.secretKey).toBe(readFileSync(join(dataDir, 'secret-key'), 'utf8').trim());
  });

  it('parses every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        SCAISEND_DATABASE_URL: 'postgresql://scaisend:pw@127.0.0.1:5432/scaisend',
        SCAISEND_REDIS_URL: 'redis://127.0.0.1:6380',
        SCAISEND_SMTP_RELAY_URL: 'smtps://relay:pw@127.0.0.1:465',
        SCAISEND_MX_PORT: '2525',
        SCAISEND_DNS_SERVERS: '127.0.0.1, 127.0.0.1:5353,[::1]:53,::1,[::1]',
        SCAISEND_PUBLIC_URL: 'https://mail.example.test/',
        SCAISEND_JWT_SECRET: 'jwt-secret-from-env',
        SCAISEND_SECRET_KEY: SECRET_KEY,
        SCAISEND_JWKS_URL: 'https://idp.example.test/.well-known/jwks.json',
        SCAISEND_SPF_MECHANISMS: '  ip4:192.0.2.1   mx ',
        SCAISEND_WEBHOOK_ALLOW_PRIVATE: 'true',
        SCAISEND_DELIVERY_RETRY_DELAYS: '0, 30,90.5',
        SCAISEND_WEBHOOK_RETRY_DELAYS: '10',
        SCAISEND_RETURN_PATH_MX_HOST: 'Inbound.Example.test',
        SCAISEND_INBOUND_SMTP_PORT: '2526',
        SCAISEND_INBOUND_SMTP_HOST: '127.0.0.1',
      },
      dataDir,
    );

    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBe('postgresql://scaisend:pw@127.0.0.1:5432/scaisend');
    expect(config.redis).toEqual({ host: '127.0.0.1', port: 6380, db: 0 });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6380');
    expect(config.smtpRelayUrl).toBe('smtps://relay:pw@127.0.0.1:465');
    expect(config.mxPort).toBe(2525);
    expect(config.dnsServers).toEqual(['127.0.0.1', '127.0.0.1:5353', '[::1]:53', '::1', '::1']);
    expect(config.publicUrl).toBe('https://mail.example.test');
    expect(config.jwtSecret).toBe('jwt-secret-from-env');
    expect(config.secretKey).toBe(SECRET_KEY);
    expect(config.jwksUrl).toBe('https://idp.example.test/.well-known/jwks.json');
    expect(config.spfMechanisms).toBe('ip4:192.0.2.1 mx');
    expect(config.webhookAllowPrivate).toBe(true);
    expect(config.deliveryRetryDelays).toEqual([0, 30, 90.5]);
    expect(config.webhookRetryDelays).toEqual([10]);
    expect(config.returnPathMxHost).toBe('inbound.example.test');
    expect(config.inboundSmtpPort).toBe(2526);
    expect(config.inboundSmtpHost).toBe('127.0.0.1');
  });

  it('listens for inbound mail on all interfaces by default', () => {
    expect(loadConfig({}, dataDir).inboundSmtpHost).toBe('0.0.0.0');
  });

  it('derives the public URL from PORT', () => {
    expect(loadConfig({ PORT: '4000' }, dataDir).publicUrl).toBe('http://localhost:4000');
  });

  it('parses a redis URL with credentials and database index', () => {
    const config = loadConfig({ SCAISEND_REDIS_URL: 'redis://queue:p%40ss@127.0.0.1:6379/3' }, dataDir);

    expect(config.redis).toEqual({ host: '127.0.0.1', port: 6379, db: 3, username: 'queue', password: 'p@ss' });
  });

  it('parses a rediss URL with password only', () => {
    const config = loadConfig({ SCAISEND_REDIS_URL: 'rediss://:secret@[::1]/' }, dataDir);

    expect(config.redis).toEqual({ host: '::1', port: 6379, db: 0, password: 'secret', tls: {} });
  });

  it('lists every invalid variable in one error', () => {
    const error = configError({
      PORT: 'eighty',
      HOST: 'localhost',
      SCAISEND_DATABASE_URL: 'mysql://root:hunter2@127.0.0.1/db',
      SCAISEND_REDIS_URL: 'redis://127.0.0.1:6379/queue',
      SCAISEND_SMTP_RELAY_URL: 'http://127.0.0.1',
      SCAISEND_MX_PORT: '0',
      SCAISEND_DNS_SERVERS: '127.0.0.1,dns.example.test',
      SCAISEND_PUBLIC_URL: 'localhost:3000',
      SCAISEND_SECRET_KEY: 'too-short',
      SCAISEND_JWKS_URL: 'ftp://127.0.0.1/jwks',
      SCAISEND_SPF_MECHANISMS: 'v=spf1 mx -all',
      SCAISEND_WEBHOOK_ALLOW_PRIVATE: 'yes',
      SCAISEND_DELIVERY_RETRY_DELAYS: '60,-5',
      SCAISEND_WEBHOOK_RETRY_DELAYS: '60,,120',
      SCAISEND_RETURN_PATH_MX_HOST: 'not a host',
      SCAISEND_INBOUND_SMTP_PORT: '70000',
      SCAISEND_INBOUND_SMTP_HOST: 'localhost',
    });

    const variables = error.problems.map((problem) => /^[A-Z_]+/.exec(problem)?.[0]);
    expect(variables).toEqual([
      'PORT',
      'HOST',
      'SCAISEND_DATABASE_URL',
      'SCAISEND_REDIS_URL',
      'SCAISEND_SMTP_RELAY_URL',
      'SCAISEND_MX_PORT',
      'SCAISEND_DNS_SERVERS',
      'SCAISEND_PUBLIC_URL',
      'SCAISEND_SECRET_KEY',
      'SCAISEND_JWKS_URL',
      'SCAISEND_SPF_MECHANISMS',
      'SCAISEND_WEBHOOK_ALLOW_PRIVATE',
      'SCAISEND_DELIVERY_RETRY_DELAYS',
      'SCAISEND_WEBHOOK_RETRY_DELAYS',
      'SCAISEND_RETURN_PATH_MX_HOST',
      'SCAISEND_INBOUND_SMTP_PORT',
      'SCAISEND_INBOUND_SMTP_HOST',
    ]);
    expect(error.message.split('\n')).toHaveLength(error.problems.length + 1);
  });

  it('names the value and the expectation in each line', () => {
    const error = configError({ PORT: 'eighty', SCAISEND_WEBHOOK_ALLOW_PRIVATE: 'yes', SCAISEND_DNS_SERVERS: '127.0.0.1,dns.example.test' });

    expect(error.problems[0]).toBe('PORT="eighty" is invalid: expected a port number from 0 to 65535');
    expect(error.problems[1]).toContain('"dns.example.test" is not one');
    expect(error.problems[2]).toBe('SCAISEND_WEBHOOK_ALLOW_PRIVATE="yes" is invalid: expected true or false');
  });

  it('keeps passwords and secrets out of messages', () => {
    const error = configError({ SCAISEND_DATABASE_URL: 'mysql://root:hunter2@127.0.0.1/db', SCAISEND_SECRET_KEY: 'short-secret' });

    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('short-secret');
    expect(error.problems[0]).toContain('"mysql://root:***@127.0.0.1/db"');
    expect(error.problems[1]).toBe('SCAISEND_SECRET_KEY has 12 characters and is invalid: expected at least 32 characters');
  });

  it('rejects a secret-key file under 32 characters', () => {
    writeFileSync(join(dataDir, 'secret-key'), 'short\n');

    const error = configError({});

    expect(error.problems).toEqual([`SCAISEND_SECRET_KEY from ${join(dataDir, 'secret-key')} has 5 characters and is invalid: expected at least 32 characters`]);
  });

  it('rejects an empty secret file', () => {
    writeFileSync(join(dataDir, 'jwt-secret'), '\n');

    const error = configError({});

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`${join(dataDir, 'jwt-secret')} is empty`);
  });

  it('generates secrets once and reuses them', () => {
    const first = loadConfig({}, dataDir);
    const second = loadConfig({}, dataDir);

    expect(first.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(first.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(first.jwtSecret).not.toBe(first.secretKey);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.secretKey).toBe(first.secretKey);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'secret-key')).mode & 0o777).toBe(0o600);
  });

  it('creates the data directory for secrets', () => {
    const nested = join(dataDir, 'nested', 'data');

    const config = loadConfig({}, nested);

    expect(readFileSync(join(nested, 'jwt-secret'), 'utf8').trim()).toBe(config.jwtSecret);
  });

  it('prefers secrets from the environment over files', () => {
    writeFileSync(join(dataDir, 'jwt-secret'), 'from-file\n');

    expect(resolveSecret({ SCAISEND_JWT_SECRET: 'from-env' }, 'SCAISEND_JWT_SECRET', dataDir)).toBe('from-env');
    expect(resolveSecret({}, 'SCAISEND_JWT_SECRET', dataDir)).toBe('from-file');
  });

  it('documents every variable it reads', () => {
    const names = CONFIG_VARIABLES.map((variable) => variable.name);

    expect(names).toEqual([
      'PORT',
      'HOST',
      'SCAISEND_DATABASE_URL',
      'SCAISEND_REDIS_URL',
      'SCAISEND_SMTP_RELAY_URL',
      'SCAISEND_MX_PORT',
      'SCAISEND_DNS_SERVERS',
      'SCAISEND_PUBLIC_URL',
      'SCAISEND_JWT_SECRET',
      'SCAISEND_SECRET_KEY',
      'SCAISEND_JWKS_URL',
      'SCAISEND_SPF_MECHANISMS',
      'SCAISEND_WEBHOOK_ALLOW_PRIVATE',
      'SCAISEND_DELIVERY_RETRY_DELAYS',
      'SCAISEND_WEBHOOK_RETRY_DELAYS',
      'SCAISEND_RETURN_PATH_MX_HOST',
      'SCAISEND_INBOUND_SMTP_PORT',
      'SCAISEND_INBOUND_SMTP_HOST',
    ]);
  });
});
