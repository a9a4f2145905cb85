import { randomBytes } from 'node:crypto';

/** Creates an id such as `msg_3f9a…`: a type prefix and 128 random bits in hex. */
export function createId(prefix: 'msg' | 'evt' | 'key' | 'dom' | 'wh' | 'whd' | 'tv' | 'sup' | 'd'): string {
  const separator = prefix === 'd' ? '-' : '_';
  return `${prefix}${separator}${randomBytes(16).toString('hex')}`;
}
