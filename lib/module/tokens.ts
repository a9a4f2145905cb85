/** Injection tokens of the providers a host may override. */

/** Resolves a non-API-key credential to a principal. See {@link PrincipalResolver}. */
export const PRINCIPAL_RESOLVER = Symbol('SCAISEND_PRINCIPAL_RESOLVER');

/** Hands built messages to SMTP. See {@link MailTransport}. */
export const MAIL_TRANSPORT = Symbol('SCAISEND_MAIL_TRANSPORT');

/** DNS look-ups for MX delivery and domain verification. See {@link DnsResolver}. */
export const DNS_RESOLVER = Symbol('SCAISEND_DNS_RESOLVER');

/** Shared state of the per-domain throttling of direct MX delivery. See {@link ThrottleStore}. */
export const THROTTLE_STORE = Symbol('SCAISEND_THROTTLE_STORE');

/** Current time. See {@link Clock}. */
export const CLOCK = Symbol('SCAISEND_CLOCK');

/** Encrypts secrets at rest (DKIM private keys). See {@link SecretBox}. */
export const SECRET_BOX = Symbol('SCAISEND_SECRET_BOX');

/** HTTP client used for webhook deliveries. See {@link WebhookHttpClient}. */
export const WEBHOOK_HTTP_CLIENT = Symbol('SCAISEND_WEBHOOK_HTTP_CLIENT');

/** Counters of the request rate limits. See {@link RateLimitStore}; null when the limits are off. */
export const RATE_LIMIT_STORE = Symbol('SCAISEND_RATE_LIMIT_STORE');
