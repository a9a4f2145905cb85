import type { ConnectionOptions } from 'bullmq';
import type { Clock } from '../common/clock.js';
import type { DnsResolver } from '../common/dns-resolver.js';
import type { PrincipalResolver } from '../common/principal.js';
import type { MailTransport } from '../delivery/mail-transport.js';
import type { MxDeliveryOptions, MxThrottleOptions } from '../delivery/mx/mx-delivery-options.js';
import type { ThrottleStore } from '../delivery/mx/throttle-store.js';
import type { InboundSmtpOptions } from '../inbound/inbound-options.js';
import type { WebhookHttpClient } from '../webhooks/webhook-sender.js';
import type { RateLimitClass, RateLimitRule, RateLimitStore } from '../rate-limits/rate-limit-rules.js';

/** BullMQ on Redis: an ioredis connection or its options. */
export interface RedisQueueConnection {
  redis: ConnectionOptions;
  /** Key prefix of the queues in Redis. @default 'bull' */
  prefix?: string;
}

/**
 * BullMQ on its PostgreSQL backend: a `pg.Pool`, a connection string or a pool config (which may
 * carry `schema` and `migrate: true`).
 */
export interface PostgresQueueConnection {
  postgres: unknown;
}

export type QueueConnection = RedisQueueConnection | PostgresQueueConnection;

/** Options of {@link ScaiSendModule}. */
export interface ScaiSendModuleOptions {
  /** Connection of the send and webhook queues, owned by the host. */
  queue: QueueConnection;

  /** Key material for secrets at rest (DKIM private keys, webhook secrets): at least 32 characters. */
  secretKey: string;

  /** Base URL the module is reachable at, for links in mail. @default 'http://localhost:3000' */
  publicUrl?: string;

  /** SMTP relay in nodemailer's URL form (`smtp://user:pass@host:port`, `smtps://…`). Unset: direct MX delivery. */
  smtpRelayUrl?: string;

  /** Port of direct MX delivery. @default 25 */
  mxPort?: number;

  /**
   * Direct MX delivery: STARTTLS policy, timeouts per SMTP phase, per-domain concurrency and rate
   * limits, adaptive throttling and session reuse. Ignored when `smtpRelayUrl` is set.
   * @default see MxDeliveryOptions
   */
  mxDelivery?: Omit<MxDeliveryOptions, 'throttle'> & { throttle?: Omit<MxThrottleOptions, 'store'> };

  /** DNS servers (`ip` or `ip:port`) for MX look-ups and domain verification. @default the system's */
  dnsServers?: string[];

  /** SPF mechanisms that a sender domain's record must authorise. @default 'a mx' */
  spfMechanisms?: string;

  /** Allow webhook URLs on plain HTTP and on loopback, private and link-local addresses. @default false */
  webhookAllowPrivate?: boolean;

  /** Seconds between delivery attempts after a deferral; the last one repeats until `deliveryMaxAgeSeconds`. @default 60,300,900,1800,3600,7200,14400,28800 */
  deliveryRetryDelays?: number[];

  /** Seconds after acceptance when a message that keeps being deferred bounces as soft. @default 259200 (72 h) */
  deliveryMaxAgeSeconds?: number;

  /** Seconds between webhook attempts after a failure, one per retry. @default 60,300,900,3600,7200 */
  webhookRetryDelays?: number[];

  /** Time a webhook endpoint has to respond, in milliseconds. @default 30000 */
  webhookTimeoutMs?: number;

  /** Name sent in EHLO. @default the host name of `publicUrl` */
  heloName?: string;

  /** Run the queue workers in this process. Set false for API-only processes. @default true */
  runWorkers?: boolean;

  /** Parallel jobs per worker. @default { send: 10, webhook: 10 } */
  concurrency?: { send?: number; webhook?: number };

  /** Resolves credentials that are not ScaiSend API keys. @default API keys only */
  principalResolver?: PrincipalResolver;

  /** @default a resolver on `dnsServers` */
  dnsResolver?: DnsResolver;

  /** @default the system clock */
  clock?: Clock;

  /** @default an HTTP client that checks each target address */
  webhookHttpClient?: WebhookHttpClient;

  /** @default SMTP through `smtpRelayUrl`, or direct to each recipient domain's MX */
  mailTransport?: MailTransport;

  /** Shared state of the per-domain throttling. @default Redis or PostgreSQL, whichever carries the queues */
  throttleStore?: ThrottleStore;

  /**
   * eta template of the unsubscribe page, with `it` an `UnsubscribePageView`. It is the
   * operator's own template, so it runs without the sandbox of tenant templates.
   * @default the module's built-in page
   */
  unsubscribePageTemplate?: string;

  /**
   * Return paths for bounces: MX and SPF records at `bounces.<domain>` join each sender domain's
   * records, and once they verify, mail goes out with a VERP envelope sender there.
   * Unset: the envelope sender is the From address.
   */
  returnPath?: {
    /** Host name that the `bounces.<domain>` MX records point at: the inbound SMTP server, on port 25. */
    mxHost: string;
  };

  /** Inbound SMTP server for bounces and feedback reports. Unset: not started. */
  inboundSmtp?: InboundSmtpOptions;

  /**
   * Requests allowed per route class, over the defaults, or `false` for hosts that limit
   * requests themselves. The defaults: `mail_send` 10,000 per second per tenant, `webhook_create`
   * and `api_key_create` 10 per minute per tenant, `messages_list` 100 per second per credential,
   * `default` 1,000 per second per credential.
   */
  rateLimits?: false | Partial<Record<RateLimitClass, RateLimitRule>>;

  /** Counters of the rate limits. @default Redis or PostgreSQL, whichever carries the queues */
  rateLimitStore?: RateLimitStore;
}

/** Options with every default applied. */
export type ResolvedScaiSendOptions = Required<
  Omit<
    ScaiSendModuleOptions,
    'smtpRelayUrl' | 'principalResolver' | 'dnsResolver' | 'clock' | 'webhookHttpClient' | 'mailTransport' | 'unsubscribePageTemplate' | 'returnPath' | 'inboundSmtp' | 'throttleStore' | 'concurrency' | 'rateLimits' | 'rateLimitStore'
  >
> &
  Pick<
    ScaiSendModuleOptions,
    'smtpRelayUrl' | 'principalResolver' | 'dnsResolver' | 'clock' | 'webhookHttpClient' | 'mailTransport' | 'unsubscribePageTemplate' | 'returnPath' | 'inboundSmtp' | 'throttleStore' | 'rateLimitStore'
  > & {
    concurrency: { send: number; webhook: number };
    rateLimits: false | Record<RateLimitClass, RateLimitRule>;
  };
