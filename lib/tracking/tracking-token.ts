import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';

/** Purpose of a tracking token: loading the open pixel, following a link or unsubscribing. */
export type TrackingTokenKind = 'open' | 'click' | 'unsubscribe';

/** The message and recipient a token was issued for. */
export interface TrackingTokenClaims {
  kind: TrackingTokenKind;
  /** `msg_…` id of the message. */
  messageId: string;
  /** Position of the recipient in the message's to, cc and bcc addresses, in that order. */
  recipientIndex: number;
}

/** The claims of a click token, which also names the link it was issued for. */
export interface ClickTokenClaims extends TrackingTokenClaims {
  kind: 'click';
  /** Position of the link among the message's tracked links, HTML links first. */
  linkIndex: number;
}

/** Result of checking a click token against the `u` parameter of its request. */
export type ClickVerification = { valid: true; claims: ClickTokenClaims } | { valid: false; reason: 'invalid_token' | 'url_mismatch' };

const FORMAT_VERSION = 1;
const KIND_CODES: Record<TrackingTokenKind, number> = { open: 1, click: 2, unsubscribe: 3 };
const MESSAGE_ID = /^msg_([0-9a-f]{32})$/;
const TAG_BYTES = 16;
const URL_DIGEST_BYTES = 16;

/** Version, kind, message id (16 bytes) and recipient index (uint16). */
const BASE_BYTES = 1 + 1 + 16 + 2;
/** The base, then the link index (uint16) and the first 16 bytes of the URL's SHA-256. */
const CLICK_BYTES = BASE_BYTES + 2 + URL_DIGEST_BYTES;

const MAX_INDEX = 0xffff;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Issues and checks the tokens of tracking and unsubscribe URLs.
 *
 * A token is base64url of a compact binary payload followed by the first 16 bytes of its
 * HMAC-SHA256, keyed with a key that HKDF-SHA256 derives from the module's `secretKey`. Without
 * that key no valid token can be made, and message ids are 128 random bits, so tokens can be
 * neither guessed nor enumerated. The payload names the recipient by position instead of by
 * address, which keeps addresses out of URLs and keeps `unsubscribe+{token}` within the
 * 64 octets that RFC 5321 section 4.5.3.1.1 allows a local part. A click token also carries a
 * digest of the destination URL, so `/t/c` redirects only to the URL it was issued for.
 */
@Injectable()
export class TrackingTokens {
  private readonly key: Buffer;

  constructor(@Inject(RESOLVED_OPTIONS) options: Pick<ResolvedScaiSendOptions, 'secretKey'>) {
    this.key = Buffer.from(hkdfSync('sha256', options.secretKey, Buffer.alloc(0), 'scaisend tracking token v1', 32));
  }

  /** Issues an open or unsubscribe token. Throws when the message id is not a `msg_` id. */
  issue(kind: 'open' | 'unsubscribe', messageId: string, recipientIndex: number): string {
    return this.seal(basePayload(kind, messageId, recipientIndex));
  }

  /** Issues the token of one link, bound to the exact destination `url`. */
  issueClick(messageId: string, recipientIndex: number, linkIndex: number, url: string): string {
    checkIndex(linkIndex, 'link index');
    const payload = Buffer.alloc(CLICK_BYTES);
    basePayload('click', messageId, recipientIndex).copy(payload);
    payload.writeUInt16BE(linkIndex, BASE_BYTES);
    urlDigest(url).copy(payload, BASE_BYTES + 2);
    return this.seal(payload);
  }

  /** Returns the claims of an open or unsubscribe token of `kind`, or null when it is not valid. */
  verify(token: string, kind: 'open' | 'unsubscribe'): TrackingTokenClaims | null {
    const payload = this.open(token, BASE_BYTES);
    if (!payload || payload[1] !== KIND_CODES[kind]) return null;
    return { kind, messageId: messageIdOf(payload), recipientIndex: payload.readUInt16BE(18) };
  }

  /** Checks a click token and that `url` is the destination it was issued for. */
  verifyClick(token: string, url: string): ClickVerification {
    const payload = this.open(token, CLICK_BYTES);
    if (!payload || payload[1] !== KIND_CODES.click) return { valid: false, reason: 'invalid_token' };

    const digest = payload.subarray(BASE_BYTES + 2, CLICK_BYTES);
    if (!timingSafeEqual(digest, urlDigest(url))) return { valid: false, reason: 'url_mismatch' };

    return {
      valid: true,
      claims: { kind: 'click', messageId: messageIdOf(payload), recipientIndex: payload.readUInt16BE(18), linkIndex: payload.readUInt16BE(BASE_BYTES) },
    };
  }

  private seal(payload: Buffer): string {
    return Buffer.concat([payload, this.tag(payload)]).toString('base64url');
  }

  /** Returns the payload of a token whose tag is valid and whose payload is `length` bytes long. */
  private open(token: string, length: number): Buffer | null {
    // Node's base64url decoder skips characters outside the alphabet, so the token is checked
    // to be canonical before its bytes are trusted.
    if (!BASE64URL.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== length + TAG_BYTES || bytes.toString('base64url') !== token || bytes[0] !== FORMAT_VERSION) return null;

    const payload = bytes.subarray(0, length);
    return timingSafeEqual(bytes.subarray(length), this.tag(payload)) ? payload : null;
  }

  private tag(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, TAG_BYTES);
  }
}

function basePayload(kind: TrackingTokenKind, messageId: string, recipientIndex: number): Buffer {
  const match = MESSAGE_ID.exec(messageId);
  if (!match?.[1]) throw new Error(`Tracking tokens need a message id of the form msg_<32 hex digits>, not ${messageId}`);
  checkIndex(recipientIndex, 'recipient index');

  const payload = Buffer.alloc(BASE_BYTES);
  payload[0] = FORMAT_VERSION;
  payload[1] = KIND_CODES[kind];
  Buffer.from(match[1], 'hex').copy(payload, 2);
  payload.writeUInt16BE(recipientIndex, 18);
  return payload;
}

function checkIndex(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INDEX) throw new Error(`The ${name} of a tracking token must be an integer from 0 to ${MAX_INDEX}, not ${value}`);
}

function messageIdOf(payload: Buffer): string {
  return `msg_${payload.subarray(2, 18).toString('hex')}`;
}

function urlDigest(url: string): Buffer {
  return createHash('sha256').update(url, 'utf8').digest().subarray(0, URL_DIGEST_BYTES);
}
