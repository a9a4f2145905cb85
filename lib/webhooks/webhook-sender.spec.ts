import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefaultWebhookHttpClient, type WebhookRequest } from './webhook-sender.js';
import type { LookupFn } from './webhook-url.js';

interface ReceivedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface TestServer {
  port: number;
  requests: ReceivedRequest[];
  connections: () => number;
}

const secret = 'whsec_sender-spec-secret';
const servers: Server[] = [];

/** Starts an HTTP server on 127.0.0.1 that records each request before `handler` responds to it. */
async function startServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      handler(request, response);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { port: (server.address() as AddressInfo).port, requests, connections: () => connections };
}

/** Recomputes and compares the signature the way the TypeScript receiver in the ScaiSend "Your first integration" guide does. */
function receiverVerifies(body: Buffer, timestamp: string, signature: string): boolean {
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body.toString()}`).digest('hex');
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

/** A lookup that returns 127.0.0.1 for every name and records the names. */
function loopbackLookup(): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  return Object.assign(lookup, { calls });
}

function webhookRequest(url: string): WebhookRequest {
  return {
    url,
    secret,
    eventType: 'delivered',
    body: JSON.stringify({ event_id: 'evt_1', event_type: 'delivered', recipient_email: 'zoë@example.com', note: '✓ 送信' }),
    timestamp: Math.floor(Date.now() / 1000),
  };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('DefaultWebhookHttpClient', () => {
  it('delivers body and headers', async () => {
    const server = await startServer((_request, response) => response.writeHead(200).end('{"ok":true}'));
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });
    const request = webhookRequest(`http://127.0.0.1:${server.port}/webhooks/scaisend`);

    const result = await client.post(request);

    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null, responseBody: '{"ok":true}' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/webhooks/scaisend');
    expect(received.body.toString('utf8')).toBe(request.body);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
    expect(received.headers['user-agent']).toBe('ScaiSend-Webhooks/1.0');
    expect(received.headers['x-scaisend-event']).toBe('delivered');
    expect(received.headers['x-scaisend-timestamp']).toBe(String(request.timestamp));
  });

  it('sends a signature the receiver verifies', async () => {
    const server = await startServer((_request, response) => response.writeHead(204).end());
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });

    const result = await client.post(webhookRequest(`http://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(true);
    const [received] = server.requests;
    const timestamp = String(received.headers['x-scaisend-timestamp']);
    const signature = String(received.headers['x-scaisend-signature']);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(receiverVerifies(received.body, timestamp, signature)).toBe(true);
  });

  it('reports a 500 as failed', async () => {
    const server = await startServer((_request, response) => response.writeHead(500).end('database down'));
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });

    const result = await client.post(webhookRequest(`http://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.statusCode).toBe(500);
    expect(result.error).toContain('HTTP 500');
    expect(result.responseBody).toBe('database down');
  });

  it('does not follow a redirect', async () => {
    const server = await startServer((_request, response) => response.writeHead(302, { Location: '/elsewhere' }).end());
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });

    const result = await client.post(webhookRequest(`http://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.statusCode).toBe(302);
    expect(result.error).toContain('Redirects are not followed');
    expect(server.requests.map((request) => request.url)).toEqual(['/']);
  });

  it('keeps the first 2 KB of the response', async () => {
    const server = await startServer((_request, response) => response.writeHead(200).end('x'.repeat(5000)));
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });

    const result = await client.post(webhookRequest(`http://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(true);
    expect(result.responseBody).toBe('x'.repeat(2048));
  });

  it('times out on a silent server', async () => {
    const server = await startServer(() => undefined);
    const client = new DefaultWebhookHttpClient({ allowPrivate: true, timeoutMs: 200 });

    const result = await client.post(webhookRequest(`http://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toContain('timed out after 200 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection', async () => {
    const server = await startServer((_request, response) => response.end());
    const closed = servers.pop() as Server;
    closed.close();
    await new Promise((resolve) => closed.once('close', resolve));
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });

    const result = await client.post(webhookRequest(`http://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toContain('ECONNREFUSED');
  });

  it('connects to looked-up address, keeps Host', async () => {
    const server = await startServer((_request, response) => response.writeHead(200).end());
    const lookup = loopbackLookup();
    const client = new DefaultWebhookHttpClient({ allowPrivate: true, lookup });

    const result = await client.post(webhookRequest(`http://hooks.example.test:${server.port}/hook`));

    expect(result.ok).toBe(true);
    expect(lookup.calls).toEqual(['hooks.example.test']);
    expect(server.requests[0].headers.host).toBe(`hooks.example.test:${server.port}`);
  });

  it('rejects literal loopback without connecting', async () => {
    const server = await startServer((_request, response) => response.end());
    const client = new DefaultWebhookHttpClient({ allowPrivate: false });

    const result = await client.post(webhookRequest(`https://127.0.0.1:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toContain('not a public IP address');
    expect(server.connections()).toBe(0);
  });

  it('rejects a name resolving to loopback', async () => {
    const server = await startServer((_request, response) => response.end());
    const lookup = loopbackLookup();
    const client = new DefaultWebhookHttpClient({ allowPrivate: false, lookup });

    const result = await client.post(webhookRequest(`https://hooks.example.test:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.error).toContain('resolves to 127.0.0.1');
    expect(lookup.calls).toEqual(['hooks.example.test']);
    expect(server.connections()).toBe(0);
  });

  it('rejects plain http without looking up', async () => {
    const server = await startServer((_request, response) => response.end());
    const lookup = loopbackLookup();
    const client = new DefaultWebhookHttpClient({ allowPrivate: false, lookup });

    const result = await client.post(webhookRequest(`http://hooks.example.test:${server.port}/`));

    expect(result.ok).toBe(false);
    expect(result.error).toContain('must use https');
    expect(lookup.calls).toEqual([]);
    expect(server.connections()).toBe(0);
  });

  it('reports an invalid header value', async () => {
    const server = await startServer((_request, response) => response.end());
    const client = new DefaultWebhookHttpClient({ allowPrivate: true });

    const result = await client.post({ ...webhookRequest(`http://127.0.0.1:${server.port}/`), eventType: 'bad\r\nX-Injected: 1' });

    expect(result.ok).toBe(false);
    expect(result.error).toContain('X-ScaiSend-Event');
    expect(server.connections()).toBe(0);
  });
});
