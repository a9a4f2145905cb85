import type { Request } from 'express';
import type { Permission } from './permissions.js';

/** The identity a request acts for: its tenant and its permissions. */
export interface Principal {
  tenantId: string;
  permissions: readonly Permission[];
  /** `api_key` for ScaiSend API keys, `host` for credentials resolved by the host. */
  kind: 'api_key' | 'host';
  /** Set for API keys. */
  apiKeyId?: string;
  /** `test` keys never deliver; host credentials are `live`. */
  environment: 'live' | 'test';
}

/** The result of a host's resolver for a credential it accepts. */
export interface HostPrincipal {
  tenantId: string;
  permissions: readonly string[];
}

/**
 * Resolves every credential that is not a ScaiSend API key (`sg_live_…`, `sg_test_…`). Return
 * `null` for a credential the host does not recognise; throw an `UnauthorizedException` to send
 * a specific 401 message (for example `JWT expired`).
 */
export interface PrincipalResolver {
  resolve(token: string, request: Request): Promise<HostPrincipal | null>;
}

/** Default resolver for hosts without authentication of their own: accepts only API keys. */
export class ApiKeysOnlyResolver implements PrincipalResolver {
  async resolve(): Promise<null> {
    return null;
  }
}

/** The request property the authentication guard stores the principal in. */
export const PRINCIPAL_PROPERTY = 'scaisendPrincipal';

export type AuthenticatedRequest = Request & { [PRINCIPAL_PROPERTY]: Principal };
