import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestDnsServer } from './support/dns-server.js';
import { freePort, run, startServer } from './support/processes.js';
import { REFERENCE_PATH, referenceBlock, transpile, withBaseUrl } from './support/reference-code.js';
import { SmtpSink } from './support/smtp-sink.js';
import { TestApp } from './support/test-app.js';
import { TestDatabase } from './support/test-database.js';
import { verifiedDomain, verifyDkim, waitForStatus, welcomeTemplate } from './support/walkthrough.js';
import { WebhookDeliveryEntity } from '../lib/webhooks/webhook-delivery.entity.js';

const PYTHON = '/usr/bin/python3';

/**
 * Runs the reference walk-through's own Python and TypeScript code against the sample-app with
 * only BASE_URL changed. The template id in its example call is the caller's own value.
 */
// Outside CI a checkout without the walk-through's text skips this suite; in CI it must run.
const describeWalkthrough = existsSync(REFERENCE_PATH) || process.env.CI ? describe : describe.skip;

describeWalkthrough('reference walk-through', () => {
  let database: TestDatabase;
  let dns: TestDnsServer;
  let relay: SmtpSink;
  let app: TestApp;
  let admin: string;
  let workDir: string;
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    database = await TestDatabase.create();
    dns = await TestDnsServer.start();
    relay = await SmtpSink.start();
    app = await TestApp.start({ databaseUrl: database.url, config: { dnsServers: [dns.address], smtpRelayUrl: `smtp://127.0.0.1:${relay.port}` } });
    admin = await app.adminToken('walkthrough');
    // Inside the repository, so the receiver's `express` import resolves from node_modules.
    workDir = mkdtempSync(resolve('node_modules/.walkthrough-'));
  });

  afterAll(async () => {
    for (const server of servers) server.kill();
    await app?.close();
    await relay?.stop();
    await dns?.stop();
    await database?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('sends with the Python and TypeScript helpers and both receivers verify the webhooks', async () => {
    await verifiedDomain(app, admin, dns, 'mail.example.com');
    const key = await app.request('POST', '/v3/api_keys', admin, { name: 'transactional-prod', environment: 'live', scopes: ['mail.send'] });
    const templateId = await welcomeTemplate(app, admin);

    const pythonPort = await freePort();
    const pythonReceiver = referenceBlock('python', 'from fastapi import');
    writeFileSync(join(workDir, 'receiver.py'), pythonReceiver);
    const typescriptPort = await freePort();
    const typescriptReceiver = transpile(referenceBlock('typescript', 'express.raw')) + `\napp.listen(${typescriptPort}, '127.0.0.1');\n`;
    writeFileSync(join(workDir, 'receiver.mjs'), typescriptReceiver);

    const hooks: Record<string, string> = {};
    for (const [name, port] of [['python', pythonPort], ['typescript', typescriptPort]] as const) {
      const created = await app.request('POST', '/v3/user/webhooks', admin, {
        url: `http://127.0.0.1:${port}/webhooks/scaisend`,
        enabled_events: ['processed', 'delivered', 'bounce', 'spam_report', 'unsubscribe'],
      });
      hooks[name] = created.body.id;
      const env = { SCAISEND_WEBHOOK_SECRET: created.body.signing_secret };
      servers.push(
        name === 'python'
          ? await startServer(PYTHON, ['-m', 'uvicorn', 'receiver:app', '--host', '127.0.0.1', '--port', String(port)], env, port, workDir)
          : await startServer(process.execPath, ['receiver.mjs'], env, port, workDir),
      );
    }

    const pythonSend = withBaseUrl(referenceBlock('python', 'def send_templated'), app.baseUrl).replace('"d-welcome-email"', JSON.stringify(templateId));
    const pythonQuery = referenceBlock('python', 'f"{BASE_URL}/v3/messages/{message_id}"');
    writeFileSync(join(workDir, 'send.py'), `${pythonSend}\n    import time\n    time.sleep(3)\n${indent(pythonQuery)}`);
    const pythonOutput = await run(PYTHON, ['send.py'], { SCAISEND_API_KEY: key.body.api_key }, workDir);
    const pythonMessageId = /sent (msg_[0-9a-f]+)/.exec(pythonOutput)?.[1];
    expect(pythonMessageId).toBeDefined();
    expect(pythonOutput).toMatch(/delivered 2 events/);

    const typescriptSend = transpile(withBaseUrl(referenceBlock('typescript', 'async function sendTemplated'), app.baseUrl));
    const call = `\nconsole.log(await sendTemplated({ templateId: ${JSON.stringify(templateId)}, from: { email: "hello@mail.example.com", name: "Acme" }, toEmail: "ada@example.com", dynamicData: { name: "Ada", plan: "Pro" }, categories: ["welcome", "onboarding"] }));\n`;
    writeFileSync(join(workDir, 'send.mjs'), typescriptSend + call);
    const typescriptOutput = await run(process.execPath, ['send.mjs'], { SCAISEND_API_KEY: key.body.api_key }, workDir);
    const typescriptMessageId = typescriptOutput.trim().split('\n').pop();
    expect(typescriptMessageId).toMatch(/^msg_/);

    await waitForStatus(app, key.body.api_key, typescriptMessageId as string, ['delivered']);
    const received = await relay.waitForMessages(2);
    for (const message of received) expect(await verifyDkim(message.raw, dns)).toBe('pass');

    const deliveries = app.dataSource.getRepository(WebhookDeliveryEntity);
    const succeeded = await app.waitFor(
      async () => {
        const rows = await deliveries.findBy({ status: 'succeeded' });
        return rows.length >= 8 ? rows : undefined;
      },
      30_000,
      'processed and delivered webhooks of both messages at both receivers',
    );
    for (const endpointId of Object.values(hooks)) {
      expect(succeeded.filter((row) => row.endpointId === endpointId)).toHaveLength(4);
    }
    expect(succeeded.every((row) => row.attempts.at(-1)?.statusCode === 200)).toBe(true);
  });
});

function indent(code: string): string {
  return code
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');
}
