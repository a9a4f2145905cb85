import { createHmac, randomBytes } from 'node:crypto';

/**
 * Computes the `X-ScaiSend-Signature` header value: the lowercase hex HMAC-SHA256 of
 * `"{timestamp}.{rawBody}"`, keyed with the UTF-8 bytes of the whole secret (`whsec_` prefix included).
 * Receivers recompute it over the raw request body, so `rawBody` must be the exact text that is sent.
 *
 * @param timestamp Unix time in seconds, the same value sent in `X-ScaiSend-Timestamp`.
 */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** Creates a new endpoint signing secret: `whsec_` followed by 32 random bytes in base64url. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
