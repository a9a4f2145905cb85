import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { PRINCIPAL_PROPERTY, type Principal } from '../common/principal.js';
import { RATE_LIMIT_CLASS } from './rate-limit.decorator.js';
import { RATE_LIMIT_SCOPES, type RateLimitClass } from './rate-limit-rules.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Counts each authenticated request against its route class's limit. It runs after the
 * authentication guard, sets the `X-RateLimit-*` headers and refuses a request over the limit
 * with 429 and `Retry-After`.
 */
@Injectable()
export class ScaiSendRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { [PRINCIPAL_PROPERTY]?: Principal }>();
    const principal = request[PRINCIPAL_PROPERTY];
    if (!principal) return true;

    const name = this.reflector.getAllAndOverride<RateLimitClass | undefined>(RATE_LIMIT_CLASS, [context.getHandler(), context.getClass()]) ?? 'default';
    const subject = RATE_LIMIT_SCOPES[name] === 'tenant' ? `tenant:${principal.tenantId}` : `credential:${credentialOf(principal, request)}`;
    const verdict = await this.limiter.count(name, subject);
    if (!verdict) return true;

    const response = context.switchToHttp().getResponse<Response>();
    for (const [header, value] of Object.entries(verdict.headers)) response.setHeader(header, value);
    if (verdict.allowed) return true;
    throw new HttpException({ detail: 'Rate limit exceeded' }, HttpStatus.TOO_MANY_REQUESTS, { cause: { headers: verdict.headers } });
  }
}

/** Names the credential of a request: the API key's id, else a digest of the host's bearer token. */
function credentialOf(principal: Principal, request: Request): string {
  if (principal.apiKeyId) return `key:${principal.apiKeyId}`;

  const token = /^Bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
  return `host:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}
