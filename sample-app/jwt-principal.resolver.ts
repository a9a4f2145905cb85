import { UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import type { HostPrincipal, PrincipalResolver } from '../lib/common/principal.js';

/** Options of {@link JwtPrincipalResolver}. */
export interface JwtPrincipalResolverOptions {
  /** HMAC key of HS256 tokens, used as the UTF-8 bytes of this string. */
  secret: string;
  /** JWKS whose keys verify RS256 tokens. Unset: only HS256 tokens are accepted. */
  jwksUrl?: string;
}

/**
 * Resolves host JWTs to principals: HS256 tokens signed with the shared secret and, with a JWKS
 * URL, RS256 tokens signed by one of its keys. The `tenant_id` claim names the tenant and the
 * `permissions` claim (an array of strings, empty when absent) lists what the token may do.
 * Anything that is not a JWT resolves to `null`, and a JWT that fails verification is a 401.
 */
export class JwtPrincipalResolver implements PrincipalResolver {
  private readonly secret: Uint8Array;
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: JwtPrincipalResolverOptions) {
    this.secret = new TextEncoder().encode(options.secret);
    // createRemoteJWKSet fetches lazily and caches the keys, so one instance serves every request.
    if (options.jwksUrl) this.jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  }

  async resolve(token: string): Promise<HostPrincipal | null> {
    const header = readHeader(token);
    if (!header?.alg) return null;

    const payload = await this.verify(token, header.alg);
    const tenantId = payload.tenant_id;
    if (typeof tenantId !== 'string' || tenantId.length === 0) {
      throw new UnauthorizedException({ detail: 'JWT has no tenant_id claim' });
    }

    const permissions = payload.permissions ?? [];
    if (!Array.isArray(permissions) || !permissions.every((permission) => typeof permission === 'string')) {
      throw new UnauthorizedException({ detail: 'JWT permissions claim must be an array of strings' });
    }
    return { tenantId, permissions };
  }

  private async verify(token: string, algorithm: string): Promise<JWTPayload> {
    try {
      if (algorithm === 'HS256') return (await jwtVerify(token, this.secret, { algorithms: ['HS256'] })).payload;
      if (algorithm === 'RS256' && this.jwks) return (await jwtVerify(token, this.jwks, { algorithms: ['RS256'] })).payload;
    } catch (error) {
      throw toUnauthorized(error);
    }
    throw new UnauthorizedException({ detail: `JWT algorithm ${algorithm} is not accepted` });
  }
}

function readHeader(token: string): ProtectedHeaderParameters | null {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return null;
  }
}

/**
 * Maps a jose verification error to a 401. Other errors, such as a JWKS that cannot be fetched,
 * are not the client's fault, so they pass through unchanged and become a 500.
 */
function toUnauthorized(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) return new UnauthorizedException({ detail: 'JWT expired' });
  if (error instanceof errors.JWTClaimValidationFailed) return new UnauthorizedException({ detail: `JWT claim check failed: ${error.message}` });
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new UnauthorizedException({ detail: 'JWT signature invalid' });
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return new UnauthorizedException({ detail: 'JWT is malformed' });
  return error;
}
