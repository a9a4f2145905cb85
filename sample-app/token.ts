import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPermission, PERMISSIONS } from '../lib/common/permissions.js';
import { createAdminToken } from './admin-token.js';
import { resolveSecret } from './config.js';

const USAGE = `Usage: npm run token -- --tenant <id> [--permissions a,b] [--hours 24]

Prints an HS256 admin JWT for the sample-app as the last line of output.
  --tenant       tenant id (required)
  --permissions  comma-separated permissions (default: all of them)
  --hours        validity in hours (default: 24)
  -h, --help     print this help

The signing secret is SCAISEND_JWT_SECRET, or data/jwt-secret in the working directory
(created when missing, as the server does).`;

interface TokenOptions {
  tenant: string;
  permissions: string[];
  hours: number;
}

/** Parses the arguments. Returns an error message for invalid ones, and `help` for `--help`. */
function parseOptions(args: string[]): TokenOptions | 'help' | string {
  let values: { tenant?: string; permissions?: string; hours?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { tenant: { type: 'string' }, permissions: { type: 'string' }, hours: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (values.help) return 'help';

  const tenant = values.tenant?.trim();
  if (!tenant) return '--tenant is required';

  const permissions = values.permissions === undefined ? [...PERMISSIONS] : values.permissions.split(',').map((permission) => permission.trim()).filter(Boolean);
  const unknown = permissions.filter((permission) => !isPermission(permission));
  if (unknown.length > 0) return `unknown permissions: ${unknown.join(', ')}; known: ${PERMISSIONS.join(', ')}`;

  const hours = values.hours === undefined ? 24 : Number(values.hours);
  if (!(hours > 0)) return `--hours must be a positive number, got "${values.hours}"`;
  return { tenant, permissions, hours };
}

const options = parseOptions(process.argv.slice(2));
if (options === 'help') {
  process.stdout.write(`${USAGE}\n`);
} else if (typeof options === 'string') {
  process.stderr.write(`${options}\n\n${USAGE}\n`);
  process.exitCode = 2;
} else {
  const secret = resolveSecret(process.env, 'SCAISEND_JWT_SECRET', resolve('data'));
  const token = await createAdminToken(secret, options.tenant, options.permissions, options.hours);
  const expiresAt = new Date(Date.now() + options.hours * 3600_000).toISOString();
  process.stdout.write(`Admin token for tenant ${options.tenant}, valid until ${expiresAt}:\n${token}\n`);
}
