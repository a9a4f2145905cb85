import { TestDnsServer } from './dns-server.js';
import { SmtpSink } from './smtp-sink.js';
import { TestApp, TestAppOptions } from './test-app.js';
import { TestDatabase } from './test-database.js';
import { verifiedDomain } from './walkthrough.js';

export interface TestStackOptions extends Omit<TestAppOptions, 'databaseUrl'> {
  /** Sender domain verified for the `acme` tenant before the tests run. @default 'mail.acme.test' */
  senderDomain?: string;
}

/**
 * The servers most end-to-end suites share: a database of their own, a loopback DNS server, an
 * SMTP relay sink and the sample-app sending through that relay, with a verified sender domain
 * and an admin token of tenant `acme`.
 */
export class TestStack {
  private constructor(
    readonly database: TestDatabase,
    readonly dns: TestDnsServer,
    readonly relay: SmtpSink,
    readonly app: TestApp,
    readonly admin: string,
  ) {}

  static async start(options: TestStackOptions = {}): Promise<TestStack> {
    const database = await TestDatabase.create();
    const dns = await TestDnsServer.start();
    const relay = await SmtpSink.start();
    const app = await TestApp.start({
      ...options,
      databaseUrl: database.url,
      config: { dnsServers: [dns.address], smtpRelayUrl: `smtp://127.0.0.1:${relay.port}`, ...options.config },
    });
    const admin = await app.adminToken('acme');
    await verifiedDomain(app, admin, dns, options.senderDomain ?? 'mail.acme.test');
    return new TestStack(database, dns, relay, app, admin);
  }

  /** Stops the app and the servers and drops the database. */
  async stop(): Promise<void> {
    await this.app.close();
    await this.relay.stop();
    await this.dns.stop();
    await this.database.drop();
  }
}
