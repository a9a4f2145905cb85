/** Every permission a principal can hold; API key scopes use the same names. */
export const PERMISSIONS = [
  'mail.send',
  'mail.schedule',
  'mail.cancel',
  'templates.read',
  'templates.write',
  'templates.delete',
  'suppressions.read',
  'suppressions.write',
  'stats.read',
  'stats.export',
  'webhooks.read',
  'webhooks.write',
  'domains.read',
  'domains.write',
  'admin.api_keys',
  'admin.users',
  'admin.settings',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const PERMISSION_SET: ReadonlySet<string> = new Set(PERMISSIONS);

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && PERMISSION_SET.has(value);
}

/** Default roles for hosts that map their users to ScaiSend permissions. */
export const ROLES: Record<'admin' | 'developer' | 'viewer', readonly Permission[]> = {
  admin: PERMISSIONS,
  developer: ['mail.send', 'mail.schedule', 'templates.read', 'stats.read', 'webhooks.read'],
  viewer: PERMISSIONS.filter((permission) => permission.endsWith('.read')),
};
