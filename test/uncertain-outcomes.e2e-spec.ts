import type { DeliveryResult, MailTransport } from '../lib/index.js';
import { TestDnsServer } from './support/dns-server.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, waitForStatus } from './support/walkthrough.js';

/** A transport whose reply for every recipient is set by the test. */
class ScriptedTransport implements MailTransport {
  sends = 0;
  reply: (email: string) => DeliveryResult['recipients'][number] = (email) => ({ email, accepted: true, code: 250, enhancedStatus: null, response: '250 OK' });

  async send(_raw: Buffer, envelope: { from: string; to: string[] }): Promise<DeliveryResult> {
    this.sends += 1;
    return { mxHost: 'mx.example.com', tls: false, response: null, recipients: envelope.to.map((email) => this.reply(email)) };
  }

  async close(): Promise<void> {}
}

const BODY = { from: { email: 'hello@mail.acme.test' }, subject: 'Hi', content: [{ type: 'text/plain', value: 'Hello' }] };

describe('uncertain SMTP outcomes', () => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let app: TestApp;
  let admin: string;
  const transport = new ScriptedTransport();

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    app = await TestApp.start({ databaseUrl: database.url, config: { dnsServers: [dns.address] }, overrides: { mailTransport: transport, deliveryRetryDelays: [1, 600] } });
    admin = await app.adminToken('acme');
    await verifiedDomain(app, admin, dns, 'mail.acme.test');
  });

  afterAll(async () => {
    await app?.close();
    await dns?.stop();
    await database?.drop();
  });

  it('never resends after a session lost during DATA', async () => {
    transport.sends = 0;
    transport.reply = (email) => ({ email, accepted: false, code: null, enhancedStatus: null, response: 'Connection closed after DATA', outcomeUnknown: true });

    const sent = await app.request('POST', '/v3/mail/send', admin, { ...BODY, personalizations: [{ to: [{ email: 'maybe@example.com' }] }] });
    const message = await waitForStatus(app, admin, sent.body.message_id, ['failed']);

    expect(message.error_message).toMatch(/outcome is unknown/);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(transport.sends).toBe(1);
  });

  it('waits as long as a throttling deferral asks', async () => {
    transport.reply = (email) => ({ email, accepted: false, code: 451, enhancedStatus: '4.7.0', response: '451 4.7.0 ScaiSend throttling example.com', heldBack: true, retryAfterMs: 120_000 });

    const sent = await app.request('POST', '/v3/mail/send', admin, { ...BODY, personalizations: [{ to: [{ email: 'later@example.com' }] }] });
    const message = await app.waitFor(async () => {
      const response = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
      return response.body.events.some((event: { event_type: string }) => event.event_type === 'deferred') ? response.body : undefined;
    });

    const deferred = message.events.find((event: { event_type: string }) => event.event_type === 'deferred');
    expect(deferred.metadata.next_attempt_at - deferred.timestamp).toBeGreaterThanOrEqual(119);
  });

  it('does not count a held-back attempt', async () => {
    let sends = 0;
    transport.reply = (email) => {
      sends += 1;
      if (sends === 1) return { email, accepted: false, code: 451, enhancedStatus: '4.7.0', response: '451 4.7.0 ScaiSend throttling example.com', heldBack: true, retryAfterMs: 500 };
      return { email, accepted: false, code: 451, enhancedStatus: '4.3.0', response: '451 4.3.0 Temporary local problem' };
    };

    const sent = await app.request('POST', '/v3/mail/send', admin, { ...BODY, personalizations: [{ to: [{ email: 'held@example.com' }] }] });
    const message = await app.waitFor(async () => {
      const response = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
      return response.body.events.filter((event: { event_type: string }) => event.event_type === 'deferred').length >= 2 ? response.body : undefined;
    });

    const [heldEvent, remoteEvent] = message.events.filter((event: { event_type: string }) => event.event_type === 'deferred');
    expect(heldEvent.metadata.attempt).toBe(1);
    expect(remoteEvent.metadata.attempt).toBe(1);
    expect(remoteEvent.metadata.next_attempt_at - remoteEvent.timestamp).toBeLessThan(60);
  });

  it('backs off held tries and reports the first', async () => {
    const tries = new Map<string, number>();
    transport.reply = (email) => {
      tries.set(email, (tries.get(email) ?? 0) + 1);
      return { email, accepted: false, code: 451, enhancedStatus: '4.7.0', response: '451 4.7.0 ScaiSend throttling example.com', heldBack: true };
    };

    const sent = await app.request('POST', '/v3/mail/send', admin, { ...BODY, personalizations: [{ to: [{ email: 'busy@example.com' }] }] });
    await app.waitFor(async () => ((tries.get('busy@example.com') ?? 0) >= 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const message = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
    // Held tries wait 1 s, then 2 s: the schedule's first delay, doubled. Without the doubling a
    // third try would have come within the 1.5 s.
    expect(tries.get('busy@example.com')).toBe(2);
    expect(message.body.events.filter((event: { event_type: string }) => event.event_type === 'deferred')).toHaveLength(1);
  });

  it('retries recipients left held back by a real attempt without a schedule step', async () => {
    const tries = new Map<string, number>();
    transport.reply = (email) => {
      const attempt = (tries.get(email) ?? 0) + 1;
      tries.set(email, attempt);
      if (attempt === 1) return { email, accepted: false, code: 451, enhancedStatus: '4.3.0', response: '451 4.3.0 Temporary local problem' };
      if (email === 'first@example.com') return { email, accepted: true, code: 250, enhancedStatus: null, response: '250 OK' };
      return { email, accepted: false, code: 451, enhancedStatus: '4.7.0', response: '451 4.7.0 ScaiSend throttling example.org', heldBack: true, retryAfterMs: 500 };
    };

    const sent = await app.request('POST', '/v3/mail/send', admin, { ...BODY, personalizations: [{ to: [{ email: 'first@example.com' }, { email: 'second@example.org' }] }] });
    const message = await app.waitFor(async () => {
      const response = await app.request('GET', `/v3/messages/${sent.body.message_id}`, admin);
      const deferrals = response.body.events.filter((event: { event_type: string; recipient_email: string }) => event.event_type === 'deferred' && event.recipient_email === 'second@example.org');
      return deferrals.length >= 2 ? deferrals : undefined;
    });

    const heldEvent = message[1];
    expect(heldEvent.metadata.attempt).toBe(2);
    expect(heldEvent.metadata.next_attempt_at - heldEvent.timestamp).toBeLessThan(60);
  });
});
