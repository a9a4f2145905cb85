import { decodeJwt, decodeProtectedHeader } from 'jose';
import { PERMISSIONS } from '../lib/common/permissions.js';
import { createAdminToken } from './admin-token.js';
import { JwtPrincipalResolver } from './jwt-principal.resolver.js';

const SECRET = 'admin-token-test-secret';

describe('createAdminToken', () => {
  const resolver = new JwtPrincipalResolver({ secret: SECRET });

  it('verifies with the resolver and carries every permission', async () => {
    const token = await createAdminToken(SECRET, 'acme');

    const principal = await resolver.resolve(token);

    expect(principal).toEqual({ tenantId: 'acme', permissions: [...PERMISSIONS] });
  });

  it('signs HS256 for subject admin, valid 24 hours', async () => {
    const token = await createAdminToken(SECRET, 'acme');

    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    expect(claims.sub).toBe('admin');
    expect(claims.tenant_id).toBe('acme');
    expect(typeof claims.iat).toBe('number');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(24 * 3600);
  });

  it('carries the given permissions and hours', async () => {
    const token = await createAdminToken(SECRET, 'acme', ['mail.send'], 1.5);

    const claims = decodeJwt(token);
    expect(claims.permissions).toEqual(['mail.send']);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(5400);
    expect(await resolver.resolve(token)).toEqual({ tenantId: 'acme', permissions: ['mail.send'] });
  });
});
