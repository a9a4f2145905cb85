import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyService, looksLikeApiKey } from '../api-keys/api-key.service.js';
import { PRINCIPAL_RESOLVER } from '../module/tokens.js';
import { TenantService } from '../tenants/tenant.service.js';
import { isPermission, Permission } from './permissions.js';
import { PRINCIPAL_PROPERTY } from './principal.js';
import type { Principal, PrincipalResolver } from './principal.js';
import { API_KEY_ROUTE, REQUIRED_PERMISSIONS } from './require-permissions.decorator.js';

/**
 * Authenticates every ScaiSend route: ScaiSend API keys on routes that accept them, every other
 * bearer credential through the host's {@link PrincipalResolver}; then checks the route's
 * permissions.
 */
@Injectable()
export class ScaiSendAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
    private readonly tenants: TenantService,
    @Inject(PRINCIPAL_RESOLVER) private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { [PRINCIPAL_PROPERTY]?: Principal }>();
    const token = bearerToken(request);
    const acceptsApiKeys = this.reflector.getAllAndOverride<boolean>(API_KEY_ROUTE, [context.getHandler(), context.getClass()]) ?? false;

    const principal = looksLikeApiKey(token) ? await this.fromApiKey(token, acceptsApiKeys) : await this.fromHost(token, request);
    await this.tenants.ensure(principal.tenantId);
    request[PRINCIPAL_PROPERTY] = principal;

    const required = this.reflector.getAllAndOverride<Permission[]>(REQUIRED_PERMISSIONS, [context.getHandler(), context.getClass()]) ?? [];
    const missing = required.find((permission) => !principal.permissions.includes(permission));
    if (missing) throw new ForbiddenException({ detail: `Missing required scope: ${missing}` });
    return true;
  }

  private async fromApiKey(token: string, acceptsApiKeys: boolean): Promise<Principal> {
    const principal = await this.apiKeys.authenticate(token);
    if (!principal) throw new UnauthorizedException({ detail: 'Invalid API key' });
    if (!acceptsApiKeys) throw new ForbiddenException({ detail: 'API keys are not accepted on this route; use a host credential' });
    return principal;
  }

  private async fromHost(token: string, request: Request): Promise<Principal> {
    const resolved = await this.resolver.resolve(token, request);
    if (!resolved) throw new UnauthorizedException({ detail: 'Invalid API key' });
    if (typeof resolved.tenantId !== 'string' || resolved.tenantId.length === 0 || resolved.tenantId.length > 255) {
      throw new UnauthorizedException({ detail: 'The credential names no valid tenant' });
    }
    return {
      tenantId: resolved.tenantId,
      permissions: (resolved.permissions ?? []).filter(isPermission),
      kind: 'host',
      environment: 'live',
    };
  }
}

function bearerToken(request: Request): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthorizedException({ detail: 'Missing Authorization header' });

  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedException({ detail: 'Authorization header must be "Bearer <token>"' });
  return match[1];
}
