import { SignJWT } from 'jose';
import { PERMISSIONS } from '../lib/common/permissions.js';

/**
 * Signs an HS256 JWT that `JwtPrincipalResolver` accepts: subject `admin`, claims
 * `tenant_id` and `permissions`, issued now and valid for `hours`.
 *
 * @param secret HMAC key, used as its UTF-8 bytes like the resolver does.
 * @param permissions defaults to every permission.
 * @param hours validity in hours, fractions allowed. @default 24
 */
export async function createAdminToken(
  secret: string,
  tenantId: string,
  permissions: readonly string[] = PERMISSIONS,
  hours = 24,
): Promise<string> {
  const issuedAt = Math.floor(Date.now() / 1000);

  return new SignJWT({ tenant_id: tenantId, permissions: [...permissions] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('admin')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + Math.round(hours * 3600))
    .sign(new TextEncoder().encode(secret));
}
