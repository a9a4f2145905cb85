import { UnauthorizedException } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtPrincipalResolver } from './jwt-principal.resolver.js';

const SECRET = 'sample-app-test-secret';

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function signHs256(payload: JWTPayload, secret = SECRET, expiresAt = now() + 3600): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresAt).sign(new TextEncoder().encode(secret));
}

function signRs256(payload: JWTPayload, key: CryptoKey, kid: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt().setExpirationTime('1h').sign(key);
}

/** The detail of the 401 that `promise` rejects with. */
async function unauthorizedDetail(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedException);
    return ((error as UnauthorizedException).getResponse() as { detail?: unknown }).detail;
  }
  throw new Error('the token was accepted');
}

describe('JwtPrincipalResolver with HS256', () => {
  const resolver = new JwtPrincipalResolver({ secret: SECRET });

  it('resolves a valid token', async () => {
    const token = await signHs256({ tenant_id: 'acme', permissions: ['mail.send', 'stats.read'] });

    expect(await resolver.resolve(token)).toEqual({ tenantId: 'acme', permissions: ['mail.send', 'stats.read'] });
  });

  it('defaults missing permissions to none', async () => {
    const token = await signHs256({ tenant_id: 'acme' });

    expect(await resolver.resolve(token)).toEqual({ tenantId: 'acme', permissions: [] });
  });

  it('rejects an expired token', async () => {
    const token = await signHs256({ tenant_id: 'acme' }, SECRET, now() - 60);

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT expired');
  });

  it('rejects a token signed with another secret', async () => {
    const token = await signHs256({ tenant_id: 'acme' }, 'another-secret');

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT signature invalid');
  });

  it('returns null for tokens that are not JWTs', async () => {
    expect(await resolver.resolve('not-a-jwt')).toBeNull();
    expect(await resolver.resolve('abc.def.ghi')).toBeNull();
    expect(await resolver.resolve('sg_live_0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('rejects a token without tenant_id', async () => {
    const token = await signHs256({ permissions: ['mail.send'] });

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT has no tenant_id claim');
  });

  it('rejects a non-string tenant_id', async () => {
    const token = await signHs256({ tenant_id: 42 });

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT has no tenant_id claim');
  });

  it('rejects permissions that are not strings', async () => {
    const token = await signHs256({ tenant_id: 'acme', permissions: 'mail.send' });

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT permissions claim must be an array of strings');
  });

  it('rejects a token that is not valid yet', async () => {
    const token = await new SignJWT({ tenant_id: 'acme' })
      .setProtectedHeader({ alg: 'HS256' })
      .setNotBefore(now() + 3600)
      .sign(new TextEncoder().encode(SECRET));

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT claim check failed: "nbf" claim timestamp check failed');
  });

  it('rejects unsigned tokens', async () => {
    const token = new UnsecuredJWT({ tenant_id: 'acme' }).encode();

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT algorithm none is not accepted');
  });

  it('rejects RS256 without a JWKS URL', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await signRs256({ tenant_id: 'acme' }, privateKey, 'key-1');

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT algorithm RS256 is not accepted');
  });
});

describe('JwtPrincipalResolver with a JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let signingKey: CryptoKey;
  let jwksRequests = 0;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    signingKey = privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }] });

    server = createServer((_request, response) => {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolveClose) => server.close(resolveClose));
  });

  it('resolves an RS256 token signed by a JWKS key', async () => {
    const resolver = new JwtPrincipalResolver({ secret: SECRET, jwksUrl });
    const token = await signRs256({ tenant_id: 'acme', permissions: ['domains.read'] }, signingKey, 'key-1');

    expect(await resolver.resolve(token)).toEqual({ tenantId: 'acme', permissions: ['domains.read'] });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('still accepts HS256 tokens', async () => {
    const resolver = new JwtPrincipalResolver({ secret: SECRET, jwksUrl });
    const token = await signHs256({ tenant_id: 'acme' });

    expect(await resolver.resolve(token)).toEqual({ tenantId: 'acme', permissions: [] });
  });

  it('rejects an RS256 token signed by another key', async () => {
    const resolver = new JwtPrincipalResolver({ secret: SECRET, jwksUrl });
    const { privateKey } = await generateKeyPair('RS256');
    const token = await signRs256({ tenant_id: 'acme' }, privateKey, 'key-1');

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT signature invalid');
  });

  it('rejects an RS256 token with an unknown key id', async () => {
    const resolver = new JwtPrincipalResolver({ secret: SECRET, jwksUrl });
    const token = await signRs256({ tenant_id: 'acme' }, signingKey, 'key-2');

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT signature invalid');
  });

  it('rejects an RS256 token without tenant_id', async () => {
    const resolver = new JwtPrincipalResolver({ secret: SECRET, jwksUrl });
    const token = await signRs256({ permissions: [] }, signingKey, 'key-1');

    expect(await unauthorizedDetail(resolver.resolve(token))).toBe('JWT has no tenant_id claim');
  });
});
