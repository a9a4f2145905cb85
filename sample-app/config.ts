import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';

/** ioredis connection options parsed from `SCAISEND_REDIS_URL`. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** Database index from the URL path (`/2`). @default 0 */
  db: number;
  username?: string;
  password?: string;
  /** Set (empty) for `rediss://` URLs, so ioredis connects over TLS. */
  tls?: {};
}

/** The sample-app's settings, read from the environment by {@link loadConfig}. */
export interface SampleAppConfig {
  /** HTTP port. 0 lets the operating system pick a free port. @default 3000 */
  port: number;
  /** IP address that the HTTP server listens on; unset: every interface. */
  host?: string;
  /** Unset: the sample-app starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl?: string;
  /** Unset: the queues run on PostgreSQL. */
  redis?: RedisConnectionOptions;
  /** `SCAISEND_REDIS_URL` as given, for connection checks and messages. */
  redisUrl?: string;
  /** Unset: direct delivery to each recipient domain's MX. */
  smtpRelayUrl?: string;
  /** @default 25 */
  mxPort: number;
  /** DNS servers as `ip`, `ip:port` or `[ipv6]:port`. An empty list means the system's resolvers. */
  dnsServers: string[];
  /** Without a trailing slash. @default `http://localhost:<port>` */
  publicUrl: string;
  /** HMAC key of HS256 host JWTs. */
  jwtSecret: string;
  /** Key material for secrets at rest, at least 32 characters. */
  secretKey: string;
  /** JWKS that RS256 host JWTs are verified against. */
  jwksUrl?: string;
  /** @default 'a mx' */
  spfMechanisms: string;
  /** @default false */
  webhookAllowPrivate: boolean;
  /** Seconds between delivery attempts. Unset keeps the module's default. */
  deliveryRetryDelays?: number[];
  /** Seconds between webhook attempts. Unset keeps the module's default. */
  webhookRetryDelays?: number[];
  /** Host that the `bounces.<domain>` MX records point at; unset: no VERP return paths. */
  returnPathMxHost?: string;
  /** Port of the inbound SMTP server for bounces; unset: not started. */
  inboundSmtpPort?: number;
  /** IP address that the inbound SMTP server listens on. */
  inboundSmtpHost: string;
  /** Directory of generated secrets and the embedded PostgreSQL. */
  dataDir: string;
}

/** One environment variable that {@link loadConfig} reads, for documentation. */
export interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

/** Thrown by {@link loadConfig} with one line per invalid variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every variable {@link loadConfig} reads, in the order of the README table. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'PORT', default: '3000', description: 'HTTP port of the API.' },
  { name: 'HOST', default: 'every interface', description: 'IP address that the API listens on, such as `127.0.0.1`.' },
  { name: 'SCAISEND_DATABASE_URL', default: 'embedded PostgreSQL in `data/postgres`', description: 'PostgreSQL connection URL (`postgres://user:password@host:5432/db`).' },
  { name: 'SCAISEND_REDIS_URL', default: 'queues on PostgreSQL', description: 'Redis for the queues: `redis://[user:password@]host:port/db`, or `rediss://` for TLS.' },
  { name: 'SCAISEND_SMTP_RELAY_URL', default: 'direct MX delivery', description: 'SMTP relay for all outgoing mail: `smtp://user:password@host:587` or `smtps://host:465`.' },
  { name: 'SCAISEND_MX_PORT', default: '25', description: 'Port of direct MX delivery.' },
  { name: 'SCAISEND_DNS_SERVERS', default: "the system's resolvers", description: 'Comma-separated DNS servers for MX look-ups and domain verification: `ip`, `ip:port`, `[ipv6]:port`.' },
  { name: 'SCAISEND_PUBLIC_URL', default: '`http://localhost:<PORT>`', description: 'Base URL that clients reach the server at; its host name is also the EHLO name of SMTP delivery.' },
  { name: 'SCAISEND_JWT_SECRET', default: 'generated into `data/jwt-secret`', description: 'HMAC key of HS256 admin JWTs (`npm run token`).' },
  { name: 'SCAISEND_SECRET_KEY', default: 'generated into `data/secret-key`', description: 'Key for DKIM private keys and webhook secrets at rest, at least 32 characters long. Changing it makes stored secrets unreadable.' },
  { name: 'SCAISEND_JWKS_URL', default: 'none', description: 'JWKS URL. When set, RS256 JWTs signed by its keys are accepted too.' },
  { name: 'SCAISEND_SPF_MECHANISMS', default: '`a mx`', description: 'SPF mechanisms that sender domains must publish, without `v=spf1` and `all`.' },
  { name: 'SCAISEND_WEBHOOK_ALLOW_PRIVATE', default: '`false`', description: '`true` allows webhook URLs on plain HTTP and on loopback and private addresses.' },
  { name: 'SCAISEND_DELIVERY_RETRY_DELAYS', default: '`60,300,900,1800,3600,7200,14400,28800`', description: 'Comma-separated seconds between delivery attempts after a deferral; the last one repeats until 72 h after acceptance, then the message bounces as soft.' },
  { name: 'SCAISEND_WEBHOOK_RETRY_DELAYS', default: '`60,300,900,3600,7200`', description: 'Comma-separated seconds between webhook attempts after a failure, one retry each.' },
  { name: 'SCAISEND_RETURN_PATH_MX_HOST', default: 'none: the envelope sender is the From address', description: 'Host name of the inbound SMTP server that `bounces.<domain>` MX records point at; enables VERP return paths.' },
  { name: 'SCAISEND_INBOUND_SMTP_PORT', default: 'not started', description: 'Port of the inbound SMTP server for bounces and feedback reports (25 in production).' },
  { name: 'SCAISEND_INBOUND_SMTP_HOST', default: '`0.0.0.0`: all interfaces', description: 'IP address that the inbound SMTP server listens on, such as `127.0.0.1` or `::`.' },
];

/** Secret variables and the file under the data directory that contains each one when it is unset. */
const SECRET_FILES = { SCAISEND_JWT_SECRET: 'jwt-secret', SCAISEND_SECRET_KEY: 'secret-key' } as const;
type SecretVariable = keyof typeof SECRET_FILES;

const MIN_SECRET_KEY_LENGTH = 32;

/** Rejection of a value by a parser, where `expected` describes what the variable accepts. */
class InvalidValue extends Error {
  constructor(readonly expected: string) {
    super(expected);
  }
}

/**
 * Reads and validates the sample-app's environment variables. An empty variable counts as unset.
 * Secrets that are unset are read from, or generated into, files under `dataDir`.
 *
 * @throws ConfigError listing every invalid variable, one line each.
 */
export function loadConfig(env: NodeJS.ProcessEnv, dataDir: string): SampleAppConfig {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (raw: string) => T): T | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    try {
      return parse(raw);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      problems.push(`${name}=${displayValue(name, raw)} is invalid: expected ${error.expected}`);
      return undefined;
    }
  };

  const port = read('PORT', (raw) => parsePort(raw, 0)) ?? 3000;
  const redisUrl = env.SCAISEND_REDIS_URL?.trim() || undefined;
  const config: SampleAppConfig = {
    port,
    host: read('HOST', parseIpAddress),
    databaseUrl: read('SCAISEND_DATABASE_URL', (raw) => parseUrl(raw, ['postgres:', 'postgresql:'], 'a postgres:// or postgresql:// URL with a host')),
    redis: read('SCAISEND_REDIS_URL', parseRedisUrl),
    redisUrl,
    smtpRelayUrl: read('SCAISEND_SMTP_RELAY_URL', (raw) => parseUrl(raw, ['smtp:', 'smtps:'], 'an smtp:// or smtps:// URL with a host')),
    mxPort: read('SCAISEND_MX_PORT', (raw) => parsePort(raw, 1)) ?? 25,
    dnsServers: read('SCAISEND_DNS_SERVERS', parseDnsServers) ?? [],
    publicUrl: (read('SCAISEND_PUBLIC_URL', (raw) => parseUrl(raw, ['http:', 'https:'], 'an http:// or https:// URL')) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    jwtSecret: readSecret(env, 'SCAISEND_JWT_SECRET', dataDir, problems),
    secretKey: readSecret(env, 'SCAISEND_SECRET_KEY', dataDir, problems),
    jwksUrl: read('SCAISEND_JWKS_URL', (raw) => parseUrl(raw, ['http:', 'https:'], 'an http:// or https:// URL')),
    spfMechanisms: read('SCAISEND_SPF_MECHANISMS', parseSpfMechanisms) ?? 'a mx',
    webhookAllowPrivate: read('SCAISEND_WEBHOOK_ALLOW_PRIVATE', parseBoolean) ?? false,
    deliveryRetryDelays: read('SCAISEND_DELIVERY_RETRY_DELAYS', parseDelays),
    webhookRetryDelays: read('SCAISEND_WEBHOOK_RETRY_DELAYS', parseDelays),
    returnPathMxHost: read('SCAISEND_RETURN_PATH_MX_HOST', parseHostName),
    inboundSmtpPort: read('SCAISEND_INBOUND_SMTP_PORT', (raw) => parsePort(raw, 0)),
    inboundSmtpHost: read('SCAISEND_INBOUND_SMTP_HOST', parseIpAddress) ?? '0.0.0.0',
    dataDir,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Returns the secret from `env[variable]`, or from its file under `dataDir` (`jwt-secret` or
 * `secret-key`), which is created with 32 random bytes in hex (mode 0600) when missing.
 *
 * @throws Error when the file cannot be read or created, or is empty.
 */
export function resolveSecret(env: NodeJS.ProcessEnv, variable: SecretVariable, dataDir: string): string {
  const fromEnv = env[variable]?.trim();
  if (fromEnv) return fromEnv;

  return readOrCreateSecretFile(join(dataDir, SECRET_FILES[variable]));
}

function readSecret(env: NodeJS.ProcessEnv, variable: SecretVariable, dataDir: string, problems: string[]): string {
  const source = env[variable]?.trim() ? variable : `${variable} from ${join(dataDir, SECRET_FILES[variable])}`;
  let secret: string;
  try {
    secret = resolveSecret(env, variable, dataDir);
  } catch (error) {
    problems.push(`${variable} is unset and its file could not be used: ${(error as Error).message}`);
    return '';
  }

  if (variable === 'SCAISEND_SECRET_KEY' && secret.length < MIN_SECRET_KEY_LENGTH) {
    problems.push(`${source} has ${secret.length} characters and is invalid: expected at least ${MIN_SECRET_KEY_LENGTH} characters`);
  }
  return secret;
}

/**
 * Returns the trimmed content of the secret file at `path`, first creating it with 32 random bytes
 * in hex (mode 0600) when it does not exist.
 *
 * @throws Error when the file cannot be read or created, or is empty.
 */
export function readOrCreateSecretFile(path: string): string {
  try {
    return readSecretFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  try {
    // `wx` fails when another process created the file first, and then that process's secret wins.
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecretFile(path);
}

function readSecretFile(path: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  // A new secret would make data encrypted with the old one unreadable, so an empty file is an error.
  if (!secret) throw new Error(`${path} is empty. Write a secret into it, or delete it to generate one`);
  return secret;
}

function parseHostName(raw: string): string {
  if (!/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(raw)) throw new InvalidValue('a host name such as inbound.example.com');
  return raw.toLowerCase();
}

function parseIpAddress(raw: string): string {
  if (isIP(raw) === 0) throw new InvalidValue('an IP address such as 127.0.0.1 or ::');
  return raw;
}

function parsePort(raw: string, min: number): number {
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= min && port <= 65535)) throw new InvalidValue(`a port number from ${min} to 65535`);
  return port;
}

function parseUrl(raw: string, protocols: string[], expected: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue(expected);
  }
  if (!protocols.includes(url.protocol) || !url.hostname) throw new InvalidValue(expected);
  return raw;
}

function parseRedisUrl(raw: string): RedisConnectionOptions {
  const expected = 'redis://[user:password@]host:port/db with a numeric db (default 0), or rediss://… for TLS';
  parseUrl(raw, ['redis:', 'rediss:'], expected);

  const url = new URL(raw);
  const dbMatch = /^\/?(\d*)$/.exec(url.pathname);
  if (!dbMatch) throw new InvalidValue(expected);

  const options: RedisConnectionOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 6379,
    db: dbMatch[1] ? Number(dbMatch[1]) : 0,
  };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

function parseDnsServers(raw: string): string[] {
  return raw.split(',').map((entry) => {
    const server = entry.trim();
    if (isIP(server)) return server;

    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
    if (bracketed?.[1] && isIPv6(bracketed[1]) && isPortText(bracketed[2])) return bracketed[2] ? server : bracketed[1];

    const withPort = /^([^:]+):(\d+)$/.exec(server);
    if (withPort?.[1] && isIPv4(withPort[1]) && isPortText(withPort[2])) return server;

    throw new InvalidValue(`comma-separated IP addresses with optional ports, such as 192.0.2.53:5353 or [2001:db8::53]:53, but "${server}" is not one`);
  });
}

function isPortText(text: string | undefined): boolean {
  if (text === undefined) return true;
  const port = Number(text);
  return port >= 1 && port <= 65535;
}

function parseSpfMechanisms(raw: string): string {
  const terms = raw.split(/\s+/);
  // The module's SPF record adds `v=spf1` and `~all` itself.
  if (terms.some((term) => /^v=spf1$/i.test(term) || /^[+\-~?]?all$/i.test(term))) {
    throw new InvalidValue('SPF mechanisms without v=spf1 and without an all term, such as "a mx" or "ip4:192.0.2.1 mx"');
  }
  return terms.join(' ');
}

function parseBoolean(raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new InvalidValue('true or false');
}

function parseDelays(raw: string): number[] {
  return raw.split(',').map((entry) => {
    const text = entry.trim();
    if (!/^\d+(\.\d+)?$/.test(text)) throw new InvalidValue('comma-separated numbers of seconds, each 0 or more, such as 60,300,900');
    return Number(text);
  });
}

/** Formats a value for an error message without secrets: a length for secret variables, URLs without passwords. */
function displayValue(name: string, raw: string): string {
  if (name in SECRET_FILES) return `(${raw.length} characters)`;
  return JSON.stringify(raw.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1***@'));
}
