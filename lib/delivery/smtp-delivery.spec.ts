import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createDnsResolver } from '../common/dns-resolver.js';
import type { DnsResolver, MxRecord } from '../common/dns-resolver.js';
import { SmtpSink } from '../../test/support/smtp-sink.js';
import { TestDnsServer } from '../../test/support/dns-server.js';
import { SmtpConnectionError, SmtpDelivery, resolveMxHosts } from './smtp-delivery.js';

const RAW = Buffer.from(
  [
    'From: sender@example.test',
    'To: alice@example.org',
    'Subject: Delivery test',
    'Message-ID: <msg_1@example.test>',
    '',
    'Hello.',
    '',
  ].join('\r\n'),
);

function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`query ${code} ${name}`), { code });
}

/** In-memory zone for cases the loopback DNS server cannot express: null MX and AAAA records. */
function memoryResolver(zone: { mx?: Record<string, MxRecord[]>; a?: Record<string, string[]>; aaaa?: Record<string, string[]> }): DnsResolver {
  const lookup = async <T>(records: Record<string, T[]> | undefined, name: string): Promise<T[]> => {
    const found = records?.[name];
    if (!found) throw dnsError('ENODATA', name);
    return found;
  };
  return {
    resolveTxt: async (name) => {
      throw dnsError('ENODATA', name);
    },
    resolveMx: (name) => lookup(zone.mx, name),
    resolve4: (name) => lookup(zone.a, name),
    resolve6: (name) => lookup(zone.aaaa, name),
  };
}

interface RecordingServer {
  port: number;
  /** MAIL FROM and RCPT TO lines as the client sent them; smtp-server reports decoded addresses elsewhere. */
  envelopeCommands: string[];
  stop: () => Promise<void>;
}

/** Starts a real SMTP server on 127.0.0.1 that records envelope commands and can leave SMTPUTF8 out of EHLO. */
async function startRecordingServer(options: { offerSmtpUtf8: boolean }): Promise<RecordingServer> {
  const envelopeCommands: string[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    hideSMTPUTF8: !options.offerSmtpUtf8,
    logger: {
      debug: (entry: { tnx?: string }, _prefix: string, line: unknown) => {
        if (entry.tnx === 'command' && /^(MAIL FROM|RCPT TO):/i.test(String(line))) envelopeCommands.push(String(line));
      },
    },
    onData: (stream, _session, callback) => {
      stream.on('end', () => callback(null));
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  return {
    port: (server.server.address() as AddressInfo).port,
    envelopeCommands,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function closedPort(): Promise<number> {
  const sink = await SmtpSink.start();
  await sink.stop();
  return sink.port;
}

describe('SmtpDelivery relay', () => {
  let sink: SmtpSink;
  let delivery: SmtpDelivery;

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });

  beforeEach(() => {
    sink.reset();
    delivery = new SmtpDelivery({ relayUrl: `smtp://127.0.0.1:${sink.port}`, resolver: memoryResolver({}) });
  });

  afterEach(() => delivery.close());

  afterAll(() => sink.stop());

  it('delivers the raw message unchanged', async () => {
    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });
    const [received] = await sink.waitForMessages(1);

    expect(result.mxHost).toBe('127.0.0.1');
    expect(result.tls).toBe(false);
    expect(result.response).toMatch(/^250 /);
    expect(result.recipients).toEqual([
      { email: 'alice@example.org', accepted: true, code: 250, enhancedStatus: null, response: result.response },
    ]);
    expect(received?.from).toBe('bounce@example.test');
    expect(received?.to).toEqual(['alice@example.org']);
    expect(received?.raw.toString()).toBe(RAW.toString());
  });

  it('reports a 550 5.1.1 at RCPT', async () => {
    sink.onRcpt(() => ({ code: 550, message: '5.1.1 No such user' }));

    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['nobody@example.org'] });

    expect(result.recipients).toEqual([
      { email: 'nobody@example.org', accepted: false, code: 550, enhancedStatus: '5.1.1', response: '550 5.1.1 No such user' },
    ]);
    expect(sink.messages).toHaveLength(0);
  });

  it('reports a 451 4.7.1 at RCPT', async () => {
    sink.onRcpt(() => ({ code: 451, message: '4.7.1 Try again later' }));

    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    expect(result.recipients[0]?.accepted).toBe(false);
    expect(result.recipients[0]?.code).toBe(451);
    expect(result.recipients[0]?.enhancedStatus).toBe('4.7.1');
  });

  it('splits a mixed envelope', async () => {
    sink.onRcpt((address) => (address === 'nobody@example.org' ? { code: 550, message: '5.1.1 No such user' } : undefined));

    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org', 'nobody@example.org'] });
    const [received] = await sink.waitForMessages(1);

    expect(result.recipients.map((recipient) => [recipient.email, recipient.accepted, recipient.code])).toEqual([
      ['alice@example.org', true, 250],
      ['nobody@example.org', false, 550],
    ]);
    expect(received?.to).toEqual(['alice@example.org']);
  });

  it('applies a DATA rejection to every recipient', async () => {
    sink.onData(() => ({ code: 554, message: '5.6.0 Message rejected' }));

    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org', 'bob@example.org'] });

    expect(result.recipients).toHaveLength(2);
    for (const recipient of result.recipients) {
      expect(recipient.accepted).toBe(false);
      expect(recipient.code).toBe(554);
      expect(recipient.enhancedStatus).toBe('5.6.0');
    }
  });

  it('sends each recipient once', async () => {
    await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org', 'ALICE@example.org'] });
    const [received] = await sink.waitForMessages(1);

    expect(received?.to).toEqual(['alice@example.org']);
  });

  it('rejects an empty envelope', async () => {
    await expect(delivery.send(RAW, { from: 'bounce@example.test', to: [] })).rejects.toThrow('SMTP envelope has no recipients');
  });

  it('throws SmtpConnectionError when refused', async () => {
    const refused = new SmtpDelivery({ relayUrl: `smtp://127.0.0.1:${await closedPort()}`, resolver: memoryResolver({}) });

    try {
      const sending = refused.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

      await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
      await expect(sending).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await refused.close();
    }
  });

  it('sends a non-ASCII local part over SMTPUTF8', async () => {
    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['用户@example.org', 'alice@example.org'] });
    const [received] = await sink.waitForMessages(1);

    expect(result.recipients.map((recipient) => [recipient.email, recipient.accepted, recipient.code])).toEqual([
      ['用户@example.org', true, 250],
      ['alice@example.org', true, 250],
    ]);
    expect(received?.to).toEqual(['用户@example.org', 'alice@example.org']);
  });

  it('throws SmtpConnectionError when an SMTPUTF8 session is refused', async () => {
    const refused = new SmtpDelivery({ relayUrl: `smtp://127.0.0.1:${await closedPort()}`, resolver: memoryResolver({}) });

    try {
      const sending = refused.send(RAW, { from: 'bounce@example.test', to: ['用户@example.org'] });

      await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
      await expect(sending).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await refused.close();
    }
  });
});

describe('SmtpDelivery relay without SMTPUTF8', () => {
  let server: RecordingServer;
  let delivery: SmtpDelivery;

  beforeAll(async () => {
    server = await startRecordingServer({ offerSmtpUtf8: false });
    delivery = new SmtpDelivery({ relayUrl: `smtp://127.0.0.1:${server.port}`, resolver: memoryResolver({}) });
  });

  beforeEach(() => {
    server.envelopeCommands.length = 0;
  });

  afterAll(async () => {
    await delivery.close();
    await server.stop();
  });

  it('fails a non-ASCII local part and sends the rest', async () => {
    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['用户@example.org', 'alice@example.org'] });

    expect(result.mxHost).toBe('127.0.0.1');
    expect(result.recipients[0]).toMatchObject({ email: '用户@example.org', accepted: false, code: 553, enhancedStatus: '5.6.7' });
    expect(result.recipients[0]?.response).toMatch(/does not offer SMTPUTF8/);
    expect(result.recipients[1]).toMatchObject({ email: 'alice@example.org', accepted: true, code: 250 });
    expect(server.envelopeCommands).toEqual(['MAIL FROM:<bounce@example.test>', 'RCPT TO:<alice@example.org>']);
  });

  it('fails every recipient when the sender needs SMTPUTF8', async () => {
    const result = await delivery.send(RAW, { from: 'rücklauf.用户@example.test', to: ['alice@example.org', 'bob@example.org'] });

    expect(result.recipients.map((recipient) => [recipient.email, recipient.code, recipient.enhancedStatus])).toEqual([
      ['alice@example.org', 553, '5.6.7'],
      ['bob@example.org', 553, '5.6.7'],
    ]);
    expect(result.recipients[0]?.response).toMatch(/^553 5\.6\.7 The sender address has a non-ASCII local part/);
    expect(server.envelopeCommands).toEqual([]);
  });
});

describe('SmtpDelivery relay authentication', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start({ authRequired: true, users: { relay: 's3cret' } });
  });

  afterAll(() => sink.stop());

  it('logs in for an SMTPUTF8 session', async () => {
    const delivery = new SmtpDelivery({ relayUrl: `smtp://relay:s3cret@127.0.0.1:${sink.port}`, resolver: memoryResolver({}) });

    try {
      const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['用户@example.org'] });

      expect(result.recipients[0]).toMatchObject({ email: '用户@example.org', accepted: true });
    } finally {
      await delivery.close();
    }
  });

  it('throws SmtpConnectionError on bad credentials for an SMTPUTF8 session', async () => {
    const delivery = new SmtpDelivery({ relayUrl: `smtp://relay:wrong@127.0.0.1:${sink.port}`, resolver: memoryResolver({}) });

    try {
      const sending = delivery.send(RAW, { from: 'bounce@example.test', to: ['用户@example.org'] });

      await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
      await expect(sending).rejects.toMatchObject({ code: 'EAUTH' });
    } finally {
      await delivery.close();
    }
  });

  it('logs in with URL credentials', async () => {
    const delivery = new SmtpDelivery({ relayUrl: `smtp://relay:s3cret@127.0.0.1:${sink.port}`, resolver: memoryResolver({}) });

    try {
      const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

      expect(result.recipients[0]?.accepted).toBe(true);
    } finally {
      await delivery.close();
    }
  });

  it('throws SmtpConnectionError on bad credentials', async () => {
    const delivery = new SmtpDelivery({ relayUrl: `smtp://relay:wrong@127.0.0.1:${sink.port}`, resolver: memoryResolver({}) });

    try {
      const sending = delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

      await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
      await expect(sending).rejects.toMatchObject({ code: 'EAUTH' });
    } finally {
      await delivery.close();
    }
  });
});

describe('SmtpDelivery direct MX', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let sink: SmtpSink;
  let tlsSink: SmtpSink;

  beforeAll(async () => {
    dns = await TestDnsServer.start();
    resolver = createDnsResolver([dns.address]);
    sink = await SmtpSink.start();
    tlsSink = await SmtpSink.start({ starttls: true });
  });

  beforeEach(() => {
    dns.clear();
    sink.reset();
    tlsSink.reset();
  });

  afterAll(async () => {
    await Promise.all([dns.stop(), sink.stop(), tlsSink.stop()]);
  });

  // Each delivery keeps its MX sessions open for reuse, and a server waits for open sessions when it stops.
  const deliveries: SmtpDelivery[] = [];

  afterEach(async () => {
    await Promise.all(deliveries.splice(0).map((delivery) => delivery.close()));
  });

  function mxDelivery(port: number): SmtpDelivery {
    const delivery = new SmtpDelivery({ resolver, mxPort: port, heloName: 'mta.example.test', connectionTimeoutMs: 5000 });
    deliveries.push(delivery);
    return delivery;
  }

  it('delivers to the MX host', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });
    const [received] = await sink.waitForMessages(1);

    expect(result.mxHost).toBe('mx.example.org');
    expect(result.tls).toBe(false);
    expect(result.recipients[0]).toMatchObject({ email: 'alice@example.org', accepted: true, code: 250 });
    expect(received?.raw.toString()).toBe(RAW.toString());
  });

  it('upgrades with STARTTLS when offered', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);

    const result = await mxDelivery(tlsSink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    expect(result.tls).toBe(true);
    expect(result.recipients[0]?.accepted).toBe(true);
  });

  it('falls back to the A record without MX', async () => {
    dns.setA('example.org', ['127.0.0.1']);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    expect(result.mxHost).toBe('example.org');
    expect(result.recipients[0]?.accepted).toBe(true);
  });

  it('tries the lowest preference first', async () => {
    dns.setMx('example.org', [
      { exchange: 'backup.example.org', priority: 20 },
      { exchange: 'primary.example.org', priority: 10 },
    ]);
    dns.setA('backup.example.org', ['127.0.0.1']);
    dns.setA('primary.example.org', ['127.0.0.1']);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    expect(result.mxHost).toBe('primary.example.org');
  });

  it('moves on when an MX host has no address', async () => {
    dns.setMx('example.org', [
      { exchange: 'primary.example.org', priority: 10 },
      { exchange: 'backup.example.org', priority: 20 },
    ]);
    dns.setA('backup.example.org', ['127.0.0.1']);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    expect(result.mxHost).toBe('backup.example.org');
  });

  it('reports RCPT rejections per recipient', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);
    sink.onRcpt((address) => (address === 'nobody@example.org' ? { code: 550, message: '5.1.1 No such user' } : undefined));

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org', 'nobody@example.org'] });

    expect(result.recipients.map((recipient) => [recipient.email, recipient.code, recipient.enhancedStatus])).toEqual([
      ['alice@example.org', 250, null],
      ['nobody@example.org', 550, '5.1.1'],
    ]);
  });

  it('names the MX host of a rejected message', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);
    sink.onData(() => ({ code: 554, message: '5.7.1 Spam detected' }));

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    expect(result.mxHost).toBe('mx.example.org');
    expect(result.response).toBe('554 5.7.1 Spam detected');
    expect(result.recipients[0]).toMatchObject({ accepted: false, code: 554, enhancedStatus: '5.7.1' });
  });

  it('sends one transaction per domain', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setMx('example.net', [{ exchange: 'mx.example.net', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);
    dns.setA('mx.example.net', ['127.0.0.1']);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org', 'bob@example.net', 'carol@example.org'] });
    const received = await sink.waitForMessages(2);

    expect(result.recipients.map((recipient) => recipient.email)).toEqual(['alice@example.org', 'bob@example.net', 'carol@example.org']);
    expect(result.recipients.every((recipient) => recipient.accepted)).toBe(true);
    expect(received.map((message) => message.to).sort()).toEqual([['alice@example.org', 'carol@example.org'], ['bob@example.net']]);
  });

  it('bounces a domain that does not exist', async () => {
    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@missing.example'] });

    expect(result.recipients[0]).toMatchObject({ accepted: false, code: 550, enhancedStatus: '5.1.2' });
  });

  it('throws SmtpConnectionError on SERVFAIL', async () => {
    dns.setServfail('example.org');

    const sending = mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
  });

  it('throws SmtpConnectionError when every MX refuses', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);

    const sending = mxDelivery(await closedPort()).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });

    await expect(sending).rejects.toBeInstanceOf(SmtpConnectionError);
    await expect(sending).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('sends IDN domains as A-labels', async () => {
    const server = await startRecordingServer({ offerSmtpUtf8: true });
    dns.setMx('xn--bcher-kva.example', [{ exchange: 'mx.xn--bcher-kva.example', priority: 10 }]);
    dns.setA('mx.xn--bcher-kva.example', ['127.0.0.1']);

    const delivery = mxDelivery(server.port);

    try {
      const result = await delivery.send(RAW, { from: 'bounce@bücher.example', to: ['user@bücher.example'] });

      expect(result.mxHost).toBe('mx.xn--bcher-kva.example');
      expect(result.recipients[0]).toMatchObject({ email: 'user@bücher.example', accepted: true, code: 250 });
      expect(server.envelopeCommands).toEqual(['MAIL FROM:<bounce@xn--bcher-kva.example>', 'RCPT TO:<user@xn--bcher-kva.example>']);
    } finally {
      await delivery.close();
      await server.stop();
    }
  });

  it('sends a non-ASCII local part to an MX with SMTPUTF8', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['用户@example.org'] });

    expect(result.recipients[0]).toMatchObject({ email: '用户@example.org', accepted: true, code: 250 });
  });

  it('fails a non-ASCII local part at an MX without SMTPUTF8', async () => {
    const server = await startRecordingServer({ offerSmtpUtf8: false });
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);

    const delivery = mxDelivery(server.port);

    try {
      const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['用户@example.org', 'alice@example.org'] });

      expect(result.mxHost).toBe('mx.example.org');
      expect(result.recipients.map((recipient) => [recipient.email, recipient.accepted, recipient.code, recipient.enhancedStatus])).toEqual([
        ['用户@example.org', false, 553, '5.6.7'],
        ['alice@example.org', true, 250, null],
      ]);
      expect(server.envelopeCommands).toEqual(['MAIL FROM:<bounce@example.test>', 'RCPT TO:<alice@example.org>']);
    } finally {
      await delivery.close();
      await server.stop();
    }
  });

  it('keeps reachable domains when another is unreachable', async () => {
    dns.setMx('example.org', [{ exchange: 'mx.example.org', priority: 10 }]);
    dns.setA('mx.example.org', ['127.0.0.1']);
    dns.setMx('example.net', [{ exchange: 'mx.example.net', priority: 10 }]);

    const result = await mxDelivery(sink.port).send(RAW, { from: 'bounce@example.test', to: ['alice@example.org', 'bob@example.net'] });

    expect(result.recipients[0]).toMatchObject({ email: 'alice@example.org', accepted: true });
    expect(result.recipients[1]).toMatchObject({ email: 'bob@example.net', accepted: false, code: null, enhancedStatus: null });
  });
});

describe('SmtpDelivery direct MX with in-memory DNS', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
  });

  afterAll(() => sink.stop());

  it('rejects recipients of a null MX domain', async () => {
    const resolver = memoryResolver({ mx: { 'example.org': [{ exchange: '', priority: 0 }] } });
    const delivery = new SmtpDelivery({ resolver, mxPort: sink.port });

    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });
    await delivery.close();

    expect(result.mxHost).toBeNull();
    expect(result.recipients[0]).toMatchObject({ accepted: false, code: 556, enhancedStatus: '5.1.10' });
  });

  it('tries the next MX after a refused one', async () => {
    // Nothing listens on ::1 at the sink's port, so the primary refuses the connection.
    const resolver = memoryResolver({
      mx: { 'example.org': [{ exchange: 'primary.example.org', priority: 10 }, { exchange: 'backup.example.org', priority: 20 }] },
      aaaa: { 'primary.example.org': ['::1'] },
      a: { 'backup.example.org': ['127.0.0.1'] },
    });
    const delivery = new SmtpDelivery({ resolver, mxPort: sink.port });

    const result = await delivery.send(RAW, { from: 'bounce@example.test', to: ['alice@example.org'] });
    await delivery.close();

    expect(result.mxHost).toBe('backup.example.org');
    expect(result.recipients[0]?.accepted).toBe(true);
  });
});

describe('resolveMxHosts', () => {
  it('orders exchanges by preference', async () => {
    const resolver = memoryResolver({
      mx: {
        'example.org': [
          { exchange: 'c.example.org', priority: 30 },
          { exchange: 'a.example.org', priority: 10 },
          { exchange: 'b.example.org', priority: 20 },
        ],
      },
    });

    expect(await resolveMxHosts('example.org', resolver)).toEqual(['a.example.org', 'b.example.org', 'c.example.org']);
  });

  it('shuffles equal preferences', async () => {
    const resolver = memoryResolver({
      mx: {
        'example.org': [
          { exchange: 'a.example.org', priority: 10 },
          { exchange: 'b.example.org', priority: 10 },
          { exchange: 'z.example.org', priority: 5 },
        ],
      },
    });
    const orders = new Set<string>();

    for (let run = 0; run < 64; run++) {
      const hosts = await resolveMxHosts('example.org', resolver);
      expect(hosts[0]).toBe('z.example.org');
      orders.add(hosts.join(','));
    }

    expect(orders).toEqual(new Set(['z.example.org,a.example.org,b.example.org', 'z.example.org,b.example.org,a.example.org']));
  });

  it('falls back to the domain with an A record', async () => {
    const resolver = memoryResolver({ a: { 'example.org': ['127.0.0.1'] } });

    expect(await resolveMxHosts('example.org', resolver)).toEqual(['example.org']);
  });

  it('falls back to the domain with an AAAA record', async () => {
    const resolver = memoryResolver({ aaaa: { 'example.org': ['::1'] } });

    expect(await resolveMxHosts('example.org', resolver)).toEqual(['example.org']);
  });

  it('returns no host for a null MX', async () => {
    const resolver = memoryResolver({ mx: { 'example.org': [{ exchange: '', priority: 0 }] } });

    expect(await resolveMxHosts('example.org', resolver)).toEqual([]);
  });

  it('rejects a domain without MX or address', async () => {
    await expect(resolveMxHosts('example.org', memoryResolver({}))).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('passes on resolver failures', async () => {
    const resolver: DnsResolver = {
      ...memoryResolver({}),
      resolveMx: async (name) => {
        throw dnsError('ESERVFAIL', name);
      },
    };

    await expect(resolveMxHosts('example.org', resolver)).rejects.toMatchObject({ code: 'ESERVFAIL' });
  });
});
