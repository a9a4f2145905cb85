import type { Job } from 'bullmq';
import { DeliveryProcessor } from '../lib/delivery/delivery.processor.js';
import { MessageEntity } from '../lib/messages/message.entity.js';
import { RecoverySweeper } from '../lib/queues/recovery-sweeper.js';
import { ScaiSendQueues, sendJobId, SendJobData } from '../lib/queues/scaisend-queues.js';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';

/** A clock that can be moved forward. */
class ShiftedClock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const BODY = {
  personalizations: [{ to: [{ email: 'ada@example.com' }] }],
  from: { email: 'hello@mail.acme.test' },
  subject: 'Hi',
  content: [{ type: 'text/plain', value: 'Hello' }],
};

/** The workers are off, so each test runs the processor and the sweeper itself. */
describe('delivery guarantees', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;
  const clock = new ShiftedClock();

  beforeAll(async () => {
    stack = await TestStack.start({ overrides: { runWorkers: false, clock } });
    ({ dns, relay, app, admin } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    relay.reset();
    clock.offsetMs = 0;
  });

  function job(messageId: string): Job<SendJobData> {
    return { data: { messageId, tenantId: 'acme' } } as Job<SendJobData>;
  }

  async function status(messageId: string): Promise<string> {
    return (await app.dataSource.getRepository(MessageEntity).findOneByOrFail({ id: messageId })).status;
  }

  it('stores and enqueues before answering 202', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, BODY);

    expect(sent.status).toBe(202);
    expect(await status(sent.body.message_id)).toBe('queued');
    expect(await app.app.get(ScaiSendQueues).send.getJob(sendJobId(sent.body.message_id, 0))).toBeDefined();
  });

  it('sends once when two jobs of a message run at once', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, BODY);
    const processor = app.app.get(DeliveryProcessor);

    await Promise.all([processor.process(job(sent.body.message_id)), processor.process(job(sent.body.message_id))]);
    await processor.process(job(sent.body.message_id));

    expect(relay.messages).toHaveLength(1);
    expect(await status(sent.body.message_id)).toBe('delivered');
  });

  it('never resends a message whose send began', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, BODY);
    // A worker that dies after taking the lease leaves the message in `sending` with its attempt counted.
    await app.dataSource.getRepository(MessageEntity).update({ id: sent.body.message_id }, { status: 'sending', attempts: 1, leaseTakenAt: new Date() });

    await app.app.get(DeliveryProcessor).process(job(sent.body.message_id));

    expect(relay.messages).toHaveLength(0);
    expect(await status(sent.body.message_id)).toBe('sending');
  });

  it('marks an expired lease failed instead of resending', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, BODY);
    await app.dataSource.getRepository(MessageEntity).update({ id: sent.body.message_id }, { status: 'sending', leaseTakenAt: new Date() });

    clock.offsetMs = 20 * 60_000;
    await app.app.get(RecoverySweeper).sweep();

    const message = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
    expect(message.body.status).toBe('failed');
    expect(message.body.error_message).toMatch(/outcome is unknown/);
    expect(relay.messages).toHaveLength(0);
  });

  it('enqueues a stored message again when its job is lost', async () => {
    const sent = await app.request('POST', '/v3/mail/send', admin, BODY);
    const queues = app.app.get(ScaiSendQueues);
    await (await queues.send.getJob(sendJobId(sent.body.message_id, 0)))?.remove();
    expect(await queues.send.getJob(sendJobId(sent.body.message_id, 0))).toBeUndefined();

    clock.offsetMs = 10 * 60_000;
    await app.app.get(RecoverySweeper).sweep();

    expect(await queues.send.getJob(sendJobId(sent.body.message_id, 0))).toBeDefined();
  });
});
