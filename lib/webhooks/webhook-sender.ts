import type { LookupAddress, LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { signWebhook } from './webhook-signature.js';
import { checkWebhookUrlSyntax, resolveWebhookTarget, type LookupFn, type WebhookTarget } from './webhook-url.js';

/** Maximum number of response body bytes kept in {@link WebhookAttemptResult.responseBody}. */
const RESPONSE_BODY_LIMIT = 2048;

/** Outcome of one webhook delivery attempt. */
export interface WebhookAttemptResult {
  /** True when the endpoint responded with a 2xx status within the timeout. */
  ok: boolean;
  /** HTTP status of the response, or null when none arrived. */
  statusCode: number | null;
  /** Reason for the failure, or null when `ok` is true. */
  error: string | null;
  /** Time from the start of the attempt to its outcome, in milliseconds. */
  durationMs: number;
  /** First 2 KB of the response body decoded as UTF-8, or null when no response arrived. */
  responseBody: string | null;
}

/** One signed webhook POST. */
export interface WebhookRequest {
  url: string;
  /** Endpoint signing secret (`whsec_…`). */
  secret: string;
  /** Event type sent in `X-ScaiSend-Event`. */
  eventType: string;
  /** JSON text of the event envelope, sent and signed byte for byte. */
  body: string;
  /** Unix time in seconds, signed and sent in `X-ScaiSend-Timestamp`. */
  timestamp: number;
}

/** Sends webhook requests. Implementations report every failure in the result instead of throwing. */
export interface WebhookHttpClient {
  post(request: WebhookRequest): Promise<WebhookAttemptResult>;
}

/** Options of {@link DefaultWebhookHttpClient}. */
export interface DefaultWebhookHttpClientOptions {
  /** Accept `http:` URLs and hosts with loopback, private or other non-public addresses. */
  allowPrivate: boolean;
  /**
   * Time allowed for the host look-up, the connection and the response, in milliseconds. A response
   * whose body has not ended (or reached 2 KB) by then is a timeout even when its status was 2xx.
   * @default 30000
   */
  timeoutMs?: number;
  /** Host name resolution. @default dns.promises.lookup (the system resolver) */
  lookup?: LookupFn;
}

type PinnedLookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Webhook client on node:http and node:https. Each attempt checks the URL, resolves its host with
 * {@link resolveWebhookTarget} and connects to exactly that address, so a DNS answer that changes
 * after the check cannot redirect the request. The Host header and the TLS server name stay the
 * URL's host name. Redirects are not followed, and every attempt opens a new connection.
 *
 * NOTE: only the first resolved address is tried, so a host whose first address is unreachable
 * fails even when another of its addresses would accept the connection.
 */
export class DefaultWebhookHttpClient implements WebhookHttpClient {
  private readonly allowPrivate: boolean;
  private readonly timeoutMs: number;
  private readonly lookup: LookupFn | undefined;

  constructor(options: DefaultWebhookHttpClientOptions) {
    this.allowPrivate = options.allowPrivate;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.lookup = options.lookup;
  }

  /** Signs and POSTs one event. Resolves with a failed result on any error and never rejects. */
  async post(request: WebhookRequest): Promise<WebhookAttemptResult> {
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);

    const syntaxError = checkWebhookUrlSyntax(request.url, this.allowPrivate);
    if (syntaxError !== null) {
      return { ok: false, statusCode: null, error: syntaxError, durationMs: elapsed(), responseBody: null };
    }

    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`Webhook request timed out after ${this.timeoutMs} ms.`)),
      this.timeoutMs,
    );
    try {
      const target = await abortable(resolveWebhookTarget(request.url, this.allowPrivate, this.lookup), controller.signal);
      const response = await sendSigned(request, target, controller.signal);
      return { ...response, durationMs: elapsed() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, statusCode: null, error: message, durationMs: elapsed(), responseBody: null };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** POSTs the signed request to `target` and reads at most the first 2 KB of the response. */
function sendSigned(
  request: WebhookRequest,
  target: WebhookTarget,
  signal: AbortSignal,
): Promise<Omit<WebhookAttemptResult, 'durationMs'>> {
  const url = new URL(request.url);
  const transport = url.protocol === 'https:' ? https : http;
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(request.body, 'utf8'),
    'User-Agent': 'ScaiSend-Webhooks/1.0',
    'X-ScaiSend-Signature': signWebhook(request.secret, request.timestamp, request.body),
    'X-ScaiSend-Timestamp': String(request.timestamp),
    'X-ScaiSend-Event': request.eventType,
  };

  return new Promise((resolve, reject) => {
    // `agent: false` gives every attempt its own connection, so no pooled socket outlives the check.
    const outgoing = transport.request(url, { method: 'POST', headers, agent: false, lookup: pinnedLookup(target) });
    const abort = (): void => {
      outgoing.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    };
    signal.addEventListener('abort', abort, { once: true });
    outgoing.on('close', () => signal.removeEventListener('abort', abort));
    outgoing.on('error', reject);

    outgoing.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let received = 0;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        const responseBody = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
        resolve({ ok: statusCode >= 200 && statusCode < 300, statusCode, error: statusError(statusCode), responseBody });
        outgoing.destroy();
      };

      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        // The rest of a long body is not needed, so the connection closes here.
        if (received >= RESPONSE_BODY_LIMIT) finish();
      });
      response.on('end', finish);
      response.on('error', reject);
    });

    outgoing.end(request.body, 'utf8');
  });
}

/**
 * A `lookup` for `net.connect` that returns the checked address for any host name. Node calls it
 * with `all: true` when it tries several addresses (`autoSelectFamily`), so it supports both callback forms.
 */
function pinnedLookup(target: WebhookTarget) {
  return (_hostname: string, options: LookupOptions, callback: PinnedLookupCallback): void => {
    if (options.all === true) {
      callback(null, [{ address: target.address, family: target.family }]);
      return;
    }
    callback(null, target.address, target.family);
  };
}

function statusError(statusCode: number): string | null {
  if (statusCode >= 200 && statusCode < 300) return null;
  if (statusCode >= 300 && statusCode < 400) {
    return `Webhook endpoint responded with HTTP ${statusCode}. Redirects are not followed, so the URL must point at the receiver itself.`;
  }
  return `Webhook endpoint responded with HTTP ${statusCode}.`;
}

/** Settles like `promise`, or rejects with the abort reason when `signal` aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
