import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { createDnsResolver } from '../../lib/common/dns-resolver.js';
import type { TestDnsServer } from './dns-server.js';
import type { TestApp } from './test-app.js';

/** Publishes each returned DNS record of a domain on the loopback DNS server. */
export function publishRecords(dns: TestDnsServer, records: Array<{ type: string; host: string; value: string }>): void {
  for (const record of records) dns.setTxt(record.host, [record.value]);
}

/** Verifies the DKIM signature of a received message against the loopback DNS server. */
export async function verifyDkim(raw: Buffer, dns: TestDnsServer): Promise<string | undefined> {
  const resolver = createDnsResolver([dns.address]);
  const verification = await dkimVerify(raw, {
    resolver: async (name: string, rrtype: string) => {
      if (rrtype !== 'TXT') throw Object.assign(new Error(`no ${rrtype}`), { code: 'ENOTFOUND' });
      return resolver.resolveTxt(name);
    },
  });
  return verification.results[0]?.status.result;
}

/** Creates a domain, publishes its records and verifies it; returns the domain id. */
export async function verifiedDomain(app: TestApp, token: string, dns: TestDnsServer, domain: string): Promise<string> {
  const created = await app.request('POST', '/api/admin/domains', token, { domain, dmarc_policy: 'quarantine', dmarc_rua_email: `dmarc@${domain}` });
  if (created.status !== 201) throw new Error(`Creating the domain returned ${created.status}: ${JSON.stringify(created.body)}`);
  publishRecords(dns, created.body.dns_records);
  const verified = await app.request('POST', `/api/admin/domains/${created.body.id}/verify`, token);
  if (!verified.body.verified) throw new Error(`Domain did not verify: ${JSON.stringify(verified.body)}`);
  return created.body.id as string;
}

/** Creates a dynamic template with one active version; returns its id. */
export async function welcomeTemplate(app: TestApp, token: string): Promise<string> {
  const template = await app.request('POST', '/v3/templates', token, { name: `welcome-${Date.now()}-${Math.random()}`, generation: 'dynamic' });
  await app.request('POST', `/v3/templates/${template.body.id}/versions`, token, {
    name: 'v1',
    subject: 'Welcome, {{name}}',
    html_content: '<p>Hello {{name}}, your plan is {{plan}}.</p>',
    plain_content: 'Hello {{name}}, your plan is {{plan}}.',
    active: 1,
  });
  return template.body.id as string;
}

/** Polls a message until its status is one of `statuses`. */
export function waitForStatus(app: TestApp, key: string, messageId: string, statuses: string[], timeoutMs = 20_000): Promise<any> {
  return app.waitFor(
    async () => {
      const response = await app.request('GET', `/v3/messages/${messageId}`, key);
      return statuses.includes(response.body?.status) ? response.body : undefined;
    },
    timeoutMs,
    `message ${messageId} to reach ${statuses.join(' or ')}`,
  );
}
