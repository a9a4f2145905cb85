import { mxDeliveryOptionProblems } from '../delivery/mx/mx-delivery-options.js';
import { rateLimitOptionProblems, resolveRateLimits } from '../rate-limits/rate-limit-rules.js';
import type { ResolvedScaiSendOptions, ScaiSendModuleOptions } from './scaisend-options.interface.js';

export const DEFAULT_DELIVERY_RETRY_DELAYS = [60, 300, 900, 1800, 3600, 7200, 14400, 28800];
export const DEFAULT_WEBHOOK_RETRY_DELAYS = [60, 300, 900, 3600, 7200];

/** Thrown at boot when the module options are invalid; lists every problem. */
export class ScaiSendOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid ScaiSendModule options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ScaiSendOptionsError';
  }
}

/** Checks the options and applies defaults; throws one {@link ScaiSendOptionsError} for all problems. */
export function resolveScaiSendOptions(options: ScaiSendModuleOptions): ResolvedScaiSendOptions {
  const problems = collectProblems(options);
  if (problems.length > 0) throw new ScaiSendOptionsError(problems);

  const publicUrl = (options.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  return {
    queue: options.queue,
    secretKey: options.secretKey,
    publicUrl,
    smtpRelayUrl: options.smtpRelayUrl || undefined,
    mxPort: options.mxPort ?? 25,
    mxDelivery: options.mxDelivery ?? {},
    dnsServers: options.dnsServers ?? [],
    spfMechanisms: options.spfMechanisms ?? 'a mx',
    webhookAllowPrivate: options.webhookAllowPrivate ?? false,
    deliveryRetryDelays: options.deliveryRetryDelays ?? DEFAULT_DELIVERY_RETRY_DELAYS,
    deliveryMaxAgeSeconds: options.deliveryMaxAgeSeconds ?? 72 * 3600,
    webhookRetryDelays: options.webhookRetryDelays ?? DEFAULT_WEBHOOK_RETRY_DELAYS,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 30_000,
    heloName: options.heloName ?? new URL(publicUrl).hostname,
    runWorkers: options.runWorkers ?? true,
    concurrency: { send: options.concurrency?.send ?? 10, webhook: options.concurrency?.webhook ?? 10 },
    principalResolver: options.principalResolver,
    dnsResolver: options.dnsResolver,
    clock: options.clock,
    webhookHttpClient: options.webhookHttpClient,
    mailTransport: options.mailTransport,
    unsubscribePageTemplate: options.unsubscribePageTemplate,
    returnPath: options.returnPath,
    inboundSmtp: options.inboundSmtp,
    throttleStore: options.throttleStore,
    rateLimits: resolveRateLimits(options.rateLimits),
    rateLimitStore: options.rateLimitStore,
  };
}

function collectProblems(options: ScaiSendModuleOptions | undefined): string[] {
  if (!options || typeof options !== 'object') return ['options: must be an object'];

  const problems: string[] = [];
  const queue = options.queue as unknown as Record<string, unknown> | undefined;
  if (!queue || typeof queue !== 'object' || (!('redis' in queue) && !('postgres' in queue))) {
    problems.push('queue: must be { redis: <connection> } or { postgres: <connection> }');
  }
  if (typeof options.secretKey !== 'string' || options.secretKey.length < 32) {
    problems.push('secretKey: must be a string of at least 32 characters');
  }
  if (options.publicUrl !== undefined && !isHttpUrl(options.publicUrl)) {
    problems.push(`publicUrl: must be an absolute http(s) URL, got "${options.publicUrl}"`);
  }
  if (options.smtpRelayUrl && !/^smtps?:\/\/[^/]+/.test(options.smtpRelayUrl)) {
    problems.push('smtpRelayUrl: must look like smtp://user:pass@host:port or smtps://host:port');
  }
  if (options.mxPort !== undefined && !isPort(options.mxPort)) problems.push(`mxPort: must be a port number (1-65535), got ${options.mxPort}`);
  for (const [name, delays] of [['deliveryRetryDelays', options.deliveryRetryDelays], ['webhookRetryDelays', options.webhookRetryDelays]] as const) {
    if (delays !== undefined && (!Array.isArray(delays) || delays.length === 0 || !delays.every((delay) => Number.isFinite(delay) && delay >= 0))) {
      problems.push(`${name}: must be a non-empty list of seconds (numbers >= 0)`);
    }
  }
  if (options.deliveryMaxAgeSeconds !== undefined && !(options.deliveryMaxAgeSeconds > 0)) {
    problems.push('deliveryMaxAgeSeconds: must be a positive number of seconds');
  }
  if (options.webhookTimeoutMs !== undefined && !(options.webhookTimeoutMs > 0)) {
    problems.push('webhookTimeoutMs: must be a positive number of milliseconds');
  }
  if (options.returnPath !== undefined && !/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(options.returnPath?.mxHost ?? '')) {
    problems.push('returnPath.mxHost: must be a host name such as inbound.example.com');
  }
  if (options.inboundSmtp !== undefined && !(Number.isInteger(options.inboundSmtp?.port) && options.inboundSmtp.port >= 0 && options.inboundSmtp.port < 65536)) {
    problems.push('inboundSmtp.port: must be a port number (0-65535)');
  }
  if (options.unsubscribePageTemplate !== undefined && typeof options.unsubscribePageTemplate !== 'string') {
    problems.push('unsubscribePageTemplate: must be an eta template string');
  }
  if (options.dnsServers !== undefined && (!Array.isArray(options.dnsServers) || !options.dnsServers.every((server) => typeof server === 'string' && server.length > 0))) {
    problems.push('dnsServers: must be a list of "ip" or "ip:port" strings');
  }
  problems.push(...mxDeliveryOptionProblems(options.mxDelivery));
  problems.push(...rateLimitOptionProblems(options.rateLimits));
  return problems;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value < 65536;
}
