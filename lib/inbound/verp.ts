import { createHmac, timingSafeEqual } from 'node:crypto';

/** Local part of the bounce address. A VERP address adds `+<token>` to it. */
export const BOUNCE_LOCAL_PART = 'bounces';

/**
 * RFC 4648 base32 alphabet in lower case. MTAs may change the case of a local part, so the
 * token uses one case only and {@link parseVerpToken} lowercases what it reads.
 */
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

const MESSAGE_ID = /^msg_([0-9a-f]{32})$/;
const ID_BYTES = 16;
/** Length of the HMAC-SHA256 prefix in a token: 64 bits, so forging one takes about 2^63 guesses on average. */
const MAC_BYTES = 8;
const ID_CHARS = Math.ceil((ID_BYTES * 8) / 5);
const MAC_CHARS = Math.ceil((MAC_BYTES * 8) / 5);
const TOKEN = new RegExp(`^[${BASE32_ALPHABET}]{${ID_CHARS + MAC_CHARS}}$`);
/** Domain separation, so a VERP MAC is never valid as a MAC of another ScaiSend feature. */
const MAC_LABEL = 'scaisend-verp-v1\0';

/**
 * Builds the VERP return path `bounces+<token>@<returnPathDomain>` of a message. The token is
 * the message id's 128 bits and the first 8 bytes of an HMAC-SHA256 over them, both in lowercase
 * base32, 39 characters in all. The MAC keeps anyone without `secret` from sending bounces that
 * name arbitrary messages.
 *
 * The return-path domain's MX must point at the inbound SMTP server, or bounces never arrive
 * (see `returnPathRecords`).
 *
 * @param messageId a ScaiSend message id, `msg_` and 32 lowercase hex digits
 * @param secret the module's `secretKey`
 * @throws TypeError when `messageId` is not a ScaiSend message id
 */
export function verpAddress(messageId: string, returnPathDomain: string, secret: string): string {
  const match = MESSAGE_ID.exec(messageId);
  if (!match) throw new TypeError(`"${messageId}" is not a ScaiSend message id (msg_ and 32 hex digits)`);

  const id = Buffer.from(match[1], 'hex');
  const domain = returnPathDomain.trim().toLowerCase().replace(/\.+$/, '');
  return `${BOUNCE_LOCAL_PART}+${toBase32(id)}${toBase32(macOf(id, secret))}@${domain}`;
}

/**
 * Returns the message id that a VERP token names, or null when the token is malformed or its
 * MAC does not match. The MAC is compared in constant time.
 */
export function parseVerpToken(token: string, secret: string): string | null {
  const normalized = token.trim().toLowerCase();
  if (!TOKEN.test(normalized)) return null;

  const id = fromBase32(normalized.slice(0, ID_CHARS), ID_BYTES);
  const mac = fromBase32(normalized.slice(ID_CHARS), MAC_BYTES);
  if (!id || !mac) return null;
  if (!timingSafeEqual(mac, macOf(id, secret))) return null;
  return `msg_${id.toString('hex')}`;
}

/** Returns the token of a `bounces+<token>@…` address, or null for any other address. */
export function verpTokenOfAddress(address: string): string | null {
  const match = /^bounces\+([^@\s]+)@[^@\s]+$/i.exec(address.trim());
  return match ? match[1] : null;
}

function macOf(id: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret).update(MAC_LABEL).update(id).digest().subarray(0, MAC_BYTES);
}

function toBase32(bytes: Buffer): string {
  let text = '';
  let buffered = 0;
  let bufferedBits = 0;
  for (const byte of bytes) {
    buffered = ((buffered << 8) | byte) & 0xfff;
    bufferedBits += 8;
    while (bufferedBits >= 5) {
      bufferedBits -= 5;
      text += BASE32_ALPHABET[(buffered >> bufferedBits) & 31];
    }
  }
  if (bufferedBits > 0) text += BASE32_ALPHABET[(buffered << (5 - bufferedBits)) & 31];
  return text;
}

/**
 * Decodes unpadded base32 of exactly `length` bytes. Returns null when a padding bit is set, so
 * each byte string has one token only.
 */
function fromBase32(text: string, length: number): Buffer | null {
  const bytes: number[] = [];
  let buffered = 0;
  let bufferedBits = 0;
  for (const character of text) {
    const value = BASE32_ALPHABET.indexOf(character);
    if (value < 0) return null;
    buffered = ((buffered << 5) | value) & 0xfff;
    bufferedBits += 5;
    if (bufferedBits >= 8) {
      bufferedBits -= 8;
      bytes.push((buffered >> bufferedBits) & 0xff);
    }
  }

  const paddingBits = buffered & ((1 << bufferedBits) - 1);
  if (bytes.length !== length || paddingBits !== 0) return null;
  return Buffer.from(bytes);
}
