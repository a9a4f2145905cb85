import sgClient from '@sendgrid/client';
import sgMail from '@sendgrid/mail';
import { simpleParser } from 'mailparser';
import { TestDnsServer } from './support/dns-server.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestStack } from './support/test-stack.js';
import { waitForStatus, welcomeTemplate } from './support/walkthrough.js';

/** SendGrid's own npm clients, pointed at the sample-app, send through it unchanged. */
describe('@sendgrid/mail and @sendgrid/client', () => {
  let stack: TestStack;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;
  let apiKey: string;
  const warn = console.warn;

  beforeAll(async () => {
    stack = await TestStack.start();
    ({ dns, relay, app, admin } = stack);
    apiKey = (await app.request('POST', '/v3/api_keys', admin, { name: 'sendgrid-sdk', scopes: ['mail.send', 'mail.schedule', 'mail.cancel'] })).body.api_key;

    // The client warns that the key does not start with "SG."; ScaiSend keys start with "sg_live_".
    console.warn = () => undefined;
    sgClient.setApiKey(apiKey);
    sgClient.setDefaultRequest('baseUrl', app.baseUrl);
    sgMail.setClient(sgClient);
  });

  afterAll(async () => {
    console.warn = warn;
    await stack?.stop();
  });

  beforeEach(() => relay.reset());

  it('sends plain mail', async () => {
    const [response] = await sgMail.send({ to: 'ada@example.com', from: 'hello@mail.acme.test', subject: 'Plain', text: 'Hello Ada', html: '<p>Hello Ada</p>' });

    expect(response.statusCode).toBe(202);
    const messageId = String(response.headers['x-message-id']);
    await waitForStatus(app, apiKey, messageId, ['delivered']);
    const parsed = await simpleParser((await relay.waitForMessages(1))[0]!.raw);
    expect(parsed.subject).toBe('Plain');
    expect(parsed.text?.trim()).toBe('Hello Ada');
  });

  it('sends templated mail', async () => {
    const templateId = await welcomeTemplate(app, admin);
    const [response] = await sgMail.send({ to: 'ada@example.com', from: { email: 'hello@mail.acme.test', name: 'Acme' }, templateId, dynamicTemplateData: { name: 'Ada', plan: 'Pro' } });

    expect(response.statusCode).toBe(202);
    const parsed = await simpleParser((await relay.waitForMessages(1))[0]!.raw);
    expect(parsed.subject).toBe('Welcome, Ada');
    expect(parsed.html).toContain('your plan is Pro');
  });

  it('sends one message per recipient with isMultiple', async () => {
    const [response] = await sgMail.send(
      { to: ['a@example.com', 'b@example.com', 'c@example.com'], from: 'hello@mail.acme.test', subject: 'Each', text: 'Hi' },
      true,
    );

    expect(response.statusCode).toBe(202);
    const received = await relay.waitForMessages(3);
    expect(received.map((message) => message.to[0]).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('sends an attachment', async () => {
    await sgMail.send({
      to: 'ada@example.com',
      from: 'hello@mail.acme.test',
      subject: 'Invoice',
      text: 'Attached.',
      attachments: [{ content: Buffer.from('invoice 42').toString('base64'), filename: 'invoice.txt', type: 'text/plain', disposition: 'attachment' }],
    });

    const parsed = await simpleParser((await relay.waitForMessages(1))[0]!.raw);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('invoice.txt');
    expect(parsed.attachments[0]?.content.toString()).toBe('invoice 42');
  });

  it('schedules mail in a batch and cancels it', async () => {
    const [, batch] = await sgClient.request({ method: 'POST', url: '/v3/mail/batch' });
    const batchId = (batch as { batch_id: string }).batch_id;
    const [response] = await sgMail.send({ to: 'later@example.com', from: 'hello@mail.acme.test', subject: 'Later', text: 'Hi', sendAt: Math.floor(Date.now() / 1000) + 3600, batchId });
    expect(response.statusCode).toBe(202);

    const [cancel] = await sgClient.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: batchId, status: 'cancel' } });
    expect(cancel.statusCode).toBe(201);
    await waitForStatus(app, apiKey, String(response.headers['x-message-id']), ['cancelled']);
    expect(relay.messages).toHaveLength(0);
  });

  it('surfaces validation errors as SendGrid does', async () => {
    const error = await sgMail.send({ to: 'not-an-address', from: 'hello@mail.acme.test', subject: 'x', text: 'x' }).catch((caught: unknown) => caught);

    const { code, response } = error as { code: number; response: { body: { errors: Array<{ field: string }> } } };
    expect(code).toBe(400);
    expect(response.body.errors[0]?.field).toBe('personalizations.0.to.0.email');
  });
});
