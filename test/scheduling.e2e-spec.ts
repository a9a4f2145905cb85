import { MessageEntity } from '../lib/messages/message.entity.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { waitForStatus } from './support/walkthrough.js';

const MESSAGE = { from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

function inSeconds(seconds: number): number {
  return Math.floor(Date.now() / 1000) + seconds;
}

describe('scheduling, batches, cancel and retry', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    stack = await TestStack.start();
    ({ dns, relay, app, admin } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  function send(to: string, extra: Record<string, unknown> = {}, token = admin) {
    return app.request('POST', '/v3/mail/send', token, { ...MESSAGE, personalizations: [{ to: [{ email: to }] }], ...extra });
  }

  it('holds a scheduled message until its send_at', async () => {
    const sent = await send('later@example.com', { send_at: inSeconds(2) });
    expect(sent.status).toBe(202);
    expect((await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin)).body.status).toBe('queued');

    const message = await waitForStatus(app, admin, sent.body.message_id, ['delivered'], 15_000);
    expect(Date.parse(message.delivered_at)).toBeGreaterThanOrEqual(Date.parse(message.send_at) - 1000);
  });

  it('lets a personalization send_at win over the top-level one', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, {
      ...MESSAGE,
      send_at: inSeconds(3600),
      personalizations: [{ to: [{ email: 'own@example.com' }], send_at: inSeconds(7200) }],
    });
    const message = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
    expect(Date.parse(message.body.send_at) / 1000).toBeGreaterThan(inSeconds(7000));
  });

  it('sends a past send_at now', async () => {
    const sent = await send('past@example.com', { send_at: inSeconds(-3600) });
    await waitForStatus(app, admin, sent.body.message_id, ['delivered']);
  });

  it('rejects send_at more than 72 hours ahead', async () => {
    const response = await send('far@example.com', { send_at: inSeconds(73 * 3600) });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('send_at');
  });

  it('needs mail.schedule for a future send_at', async () => {
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'send-only', scopes: ['mail.send'] });
    const response = await send('x@example.com', { send_at: inSeconds(600) }, key.body.api_key);
    expect(response.status).toBe(403);
    expect(response.body.errors[0].message).toBe('Missing required scope: mail.schedule');
  });

  it('cancels a scheduled message once', async () => {
    const sent = await send('cancel@example.com', { send_at: inSeconds(3600) });

    const cancelled = await app.request('POST', `/v3/messages/${sent.body.message_id}/cancel`, admin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await app.request('POST', `/v3/messages/${sent.body.message_id}/cancel`, admin)).status).toBe(409);
  });

  it('needs mail.cancel to cancel', async () => {
    const sent = await send('keep@example.com', { send_at: inSeconds(3600) });
    const token = await app.adminToken('acme', ['mail.send', 'mail.schedule']);
    expect((await app.request('POST', `/v3/messages/${sent.body.message_id}/cancel`, token)).status).toBe(403);
  });

  it('counts, pauses, resumes and cancels a batch', async () => {
    const batch = await app.request('POST', '/v3/mail/batch', admin);
    expect(batch.status).toBe(201);
    const batchId = batch.body.batch_id;
    await send('b1@example.com', { batch_id: batchId, send_at: inSeconds(3600) });
    await send('b2@example.com', { batch_id: batchId, send_at: inSeconds(3600) });

    expect((await app.request('GET', `/v3/mail/batch/${batchId}`, admin)).body).toEqual({ batch_id: batchId, total: 2, statuses: { queued: 2 } });

    expect((await app.request('POST', '/v3/user/scheduled_sends', admin, { batch_id: batchId, status: 'pause' })).status).toBe(201);
    expect((await app.request('GET', '/v3/user/scheduled_sends', admin)).body).toContainEqual({ batch_id: batchId, status: 'pause' });
    expect((await app.request('DELETE', `/v3/user/scheduled_sends/${batchId}`, admin)).status).toBe(204);
    expect((await app.request('GET', `/v3/user/scheduled_sends/${batchId}`, admin)).body).toEqual([]);

    expect((await app.request('POST', `/v3/mail/batch/${batchId}/cancel`, admin)).status).toBe(200);
    expect((await app.request('GET', `/v3/mail/batch/${batchId}`, admin)).body.statuses).toEqual({ cancelled: 2 });
    expect((await send('b3@example.com', { batch_id: batchId })).status).toBe(400);
  });

  it('holds a paused batch until it is resumed', async () => {
    const batchId = (await app.request('POST', '/v3/mail/batch', admin)).body.batch_id;
    await app.request('POST', '/v3/user/scheduled_sends', admin, { batch_id: batchId, status: 'pause' });
    const sent = await send('paused@example.com', { batch_id: batchId, send_at: inSeconds(1) });

    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin)).body.status).toBe('queued');

    await app.request('DELETE', `/v3/user/scheduled_sends/${batchId}`, admin);
    await waitForStatus(app, admin, sent.body.message_id, ['delivered']);
  });

  it('rejects an unknown batch_id', async () => {
    const response = await send('x@example.com', { batch_id: 'no-such-batch' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('batch_id');
  });

  it('retries a failed message', async () => {
    const sent = await send('retry@example.com', { send_at: inSeconds(3600) });
    await app.dataSource.getRepository(MessageEntity).update({ id: sent.body.message_id }, { status: 'failed', errorMessage: 'Internal error: example' });

    const retried = await app.request('POST', `/v3/messages/${sent.body.message_id}/retry`, admin);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('queued');
    await waitForStatus(app, admin, sent.body.message_id, ['delivered']);
    expect((await app.request('POST', `/v3/messages/${sent.body.message_id}/retry`, admin)).status).toBe(409);
  });
});
