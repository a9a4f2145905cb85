import type { Socket } from 'node:net';
import type { DnsHandler, Question, Resource } from 'dns2';
import { Packet, TCPServer, UDPServer } from 'dns2';

/** Response codes from RFC 1035 4.1.1 (dns2 3.0 defines them at runtime but not in its types). */
const RCODE_NOERROR = 0;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

/** Maximum length of a TXT character-string in octets (RFC 1035 3.3). */
const MAX_CHARACTER_STRING_BYTES = 255;

/** TTL of every answer in seconds. Zero tells resolvers not to cache it (RFC 1035 3.2.1). */
const ANSWER_TTL_SECONDS = 0;

const LISTEN_HOST = '127.0.0.1';
const MAX_LISTEN_ATTEMPTS = 5;

interface ZoneEntry {
  txt?: string[];
  mx?: { exchange: string; priority: number }[];
  a?: string[];
  servfail?: boolean;
}

/**
 * Authoritative DNS server on 127.0.0.1 for tests, answering UDP and TCP on the same port so a
 * resolver that falls back to TCP after a truncated UDP answer reaches the same zone.
 *
 * Names are case-insensitive and written without a trailing dot. An unknown name returns
 * NXDOMAIN (Node.js reports `ENOTFOUND`), and a known name without the requested type returns
 * NOERROR with no answers (Node.js reports `ENODATA`).
 */
export class TestDnsServer {
  private readonly zone = new Map<string, ZoneEntry>();
  private readonly connections = new Set<Socket>();

  private constructor(
    private readonly udp: UDPServer,
    private readonly tcp: TCPServer,
    /** `127.0.0.1:PORT`, usable as a server in `createDnsResolver([address])`. */
    readonly address: string,
  ) {
    udp.on('request', this.handleRequest);
    tcp.on('request', this.handleRequest);
    tcp.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  /** Starts a server on an ephemeral port, retrying when TCP cannot bind the port UDP got. */
  static async start(): Promise<TestDnsServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_LISTEN_ATTEMPTS; attempt++) {
      const udp = new UDPServer();
      const port = await bindUdp(udp);
      const tcp = new TCPServer();
      try {
        await listenTcp(tcp, port);
        return new TestDnsServer(udp, tcp, `${LISTEN_HOST}:${port}`);
      } catch (error) {
        lastError = error;
        udp.close();
      }
    }
    throw new Error(`TestDnsServer could not bind UDP and TCP to one port: ${String(lastError)}`);
  }

  /**
   * Replaces the TXT records at `name`, one record per value. A value longer than 255 bytes is
   * split into several character-strings of the same record, as DNS publishers do for DKIM keys.
   */
  setTxt(name: string, values: string[]): void {
    this.entry(name).txt = [...values];
  }

  /** Replaces the MX records at `name`. */
  setMx(name: string, records: { exchange: string; priority: number }[]): void {
    this.entry(name).mx = records.map((record) => ({ ...record }));
  }

  /** Replaces the A records at `name`. */
  setA(name: string, addresses: string[]): void {
    this.entry(name).a = [...addresses];
  }

  /** Makes every query for `name` return SERVFAIL until `clear(name)`. */
  setServfail(name: string): void {
    this.entry(name).servfail = true;
  }

  /** Removes every record at `name`, or the whole zone when no name is given. */
  clear(name?: string): void {
    if (name === undefined) {
      this.zone.clear();
      return;
    }

    this.zone.delete(normalizeName(name));
  }

  /** Closes both sockets, ending open TCP connections first. */
  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();

    await Promise.all([
      new Promise<void>((resolve) => this.udp.close(() => resolve())),
      new Promise<void>((resolve) => this.tcp.close(() => resolve())),
    ]);
  }

  private entry(name: string): ZoneEntry {
    const key = normalizeName(name);
    let entry = this.zone.get(key);
    if (!entry) {
      entry = {};
      this.zone.set(key, entry);
    }
    return entry;
  }

  private readonly handleRequest: DnsHandler = (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;

    const [question] = request.questions;
    const entry = question ? this.zone.get(normalizeName(question.name)) : undefined;
    if (!question || !entry) {
      response.header.rcode = RCODE_NXDOMAIN;
    } else if (entry.servfail) {
      response.header.rcode = RCODE_SERVFAIL;
    } else {
      response.header.rcode = RCODE_NOERROR;
      response.answers = answersFor(question, entry);
    }

    // The UDP reply is a promise, but the TCP one is not. A client that has gone away is no
    // failure of the server, so a rejected send is ignored.
    Promise.resolve(send(response)).catch(() => undefined);
  };
}

function answersFor(question: Question, entry: ZoneEntry): Resource[] {
  const base = { class: Packet.CLASS.IN, ttl: ANSWER_TTL_SECONDS };

  switch (question.type) {
    case Packet.TYPE.TXT:
      return (entry.txt ?? []).map((value) =>
        Packet.createResourceFromQuestion(question, {
          ...base,
          type: Packet.TYPE.TXT,
          data: splitCharacterStrings(value),
        }),
      );
    case Packet.TYPE.MX:
      return (entry.mx ?? []).map((record) =>
        Packet.createResourceFromQuestion(question, { ...base, type: Packet.TYPE.MX, ...record }),
      );
    case Packet.TYPE.A:
      return (entry.a ?? []).map((address) =>
        Packet.createResourceFromQuestion(question, { ...base, type: Packet.TYPE.A, address }),
      );
    default:
      return [];
  }
}

/** Splits a TXT value into character-strings of at most 255 bytes, never inside a character. */
function splitCharacterStrings(value: string): string[] {
  const strings: string[] = [];
  let current = '';
  let currentBytes = 0;

  for (const character of value) {
    const bytes = Buffer.byteLength(character);
    if (currentBytes + bytes > MAX_CHARACTER_STRING_BYTES) {
      strings.push(current);
      current = '';
      currentBytes = 0;
    }
    current += character;
    currentBytes += bytes;
  }

  strings.push(current);
  return strings;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function bindUdp(udp: UDPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, LISTEN_HOST, () => {
      udp.off('error', reject);
      resolve(udp.address().port);
    });
  });
}

function listenTcp(tcp: TCPServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, LISTEN_HOST, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
}
