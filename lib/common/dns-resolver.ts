import { Resolver } from 'node:dns/promises';

/** One MX record. */
export interface MxRecord {
  exchange: string;
  priority: number;
}

/**
 * DNS look-ups used for MX delivery and sender-domain verification. Each method rejects with a
 * Node.js DNS error (`code` `ENOTFOUND`, `ENODATA`, …) when the name or the record type is absent.
 */
export interface DnsResolver {
  /** TXT records at `name`, each one as the list of its character-strings. */
  resolveTxt(name: string): Promise<string[][]>;
  resolveMx(name: string): Promise<MxRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/**
 * Creates a resolver that queries the given servers (`ip` or `ip:port`, IPv6 as `[ip]:port`), or
 * the system's resolvers when the list is empty.
 */
export function createDnsResolver(servers: string[] = []): DnsResolver {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);

  return {
    resolveTxt: (name) => resolver.resolveTxt(name),
    resolveMx: (name) => resolver.resolveMx(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
  };
}
