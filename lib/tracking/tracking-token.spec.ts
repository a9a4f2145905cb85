import { TrackingTokens } from './tracking-token.js';

const MESSAGE_ID = 'msg_0123456789abcdef0123456789abcdef';
const URL_A = 'https://shop.example.com/a?x=1&y=2';

function tokens(secretKey = 'k'.repeat(64)): TrackingTokens {
  return new TrackingTokens({ secretKey });
}

/** Flips one bit of the decoded token and encodes it again. */
function flipBit(token: string, byteIndex: number): string {
  const bytes = Buffer.from(token, 'base64url');
  bytes[byteIndex] = (bytes[byteIndex] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('TrackingTokens', () => {
  it('round-trips an open token', () => {
    const token = tokens().issue('open', MESSAGE_ID, 3);

    expect(tokens().verify(token, 'open')).toEqual({ kind: 'open', messageId: MESSAGE_ID, recipientIndex: 3 });
  });

  it('round-trips a click token with its URL', () => {
    const token = tokens().issueClick(MESSAGE_ID, 0, 7, URL_A);

    expect(tokens().verifyClick(token, URL_A)).toEqual({ valid: true, claims: { kind: 'click', messageId: MESSAGE_ID, recipientIndex: 0, linkIndex: 7 } });
  });

  it('uses only base64url characters', () => {
    expect(tokens().issue('unsubscribe', MESSAGE_ID, 0)).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(tokens().issueClick(MESSAGE_ID, 0, 0, URL_A)).toMatch(/^[A-Za-z0-9_-]{72}$/);
  });

  it('keeps the mailto local part within 64 octets', () => {
    expect(`unsubscribe+${tokens().issue('unsubscribe', MESSAGE_ID, 65535)}`.length).toBeLessThanOrEqual(64);
  });

  it('rejects a token of another kind', () => {
    const open = tokens().issue('open', MESSAGE_ID, 0);

    expect(tokens().verify(open, 'unsubscribe')).toBeNull();
    expect(tokens().verifyClick(open, URL_A)).toEqual({ valid: false, reason: 'invalid_token' });
  });

  it('rejects a token made with another secret', () => {
    const token = tokens('a'.repeat(64)).issue('unsubscribe', MESSAGE_ID, 0);

    expect(tokens('b'.repeat(64)).verify(token, 'unsubscribe')).toBeNull();
  });

  it('rejects every single-bit change', () => {
    const token = tokens().issue('unsubscribe', MESSAGE_ID, 1);
    const length = Buffer.from(token, 'base64url').length;

    for (let index = 0; index < length; index++) {
      expect(tokens().verify(flipBit(token, index), 'unsubscribe')).toBeNull();
    }
  });

  it('rejects non-canonical and malformed encodings', () => {
    const token = tokens().issue('open', MESSAGE_ID, 0);

    expect(tokens().verify(`${token}=`, 'open')).toBeNull();
    expect(tokens().verify(`${token.slice(0, 10)}.${token.slice(10)}`, 'open')).toBeNull();
    expect(tokens().verify(token.slice(0, -1), 'open')).toBeNull();
    expect(tokens().verify(`${token}AA`, 'open')).toBeNull();
    expect(tokens().verify('', 'open')).toBeNull();
  });

  it('tells a changed URL from a changed token', () => {
    const token = tokens().issueClick(MESSAGE_ID, 0, 0, URL_A);

    expect(tokens().verifyClick(token, 'https://evil.example.net/')).toEqual({ valid: false, reason: 'url_mismatch' });
    expect(tokens().verifyClick(token, `${URL_A} `)).toEqual({ valid: false, reason: 'url_mismatch' });
    expect(tokens().verifyClick(flipBit(token, 30), URL_A)).toEqual({ valid: false, reason: 'invalid_token' });
  });

  it('issues different tokens for different recipients and links', () => {
    const issued = new Set([
      tokens().issue('open', MESSAGE_ID, 0),
      tokens().issue('open', MESSAGE_ID, 1),
      tokens().issue('unsubscribe', MESSAGE_ID, 0),
      tokens().issueClick(MESSAGE_ID, 0, 0, URL_A),
      tokens().issueClick(MESSAGE_ID, 0, 1, URL_A),
      tokens().issueClick(MESSAGE_ID, 0, 0, 'https://shop.example.com/b'),
    ]);

    expect(issued.size).toBe(6);
  });

  it('rejects ids and indexes it cannot encode', () => {
    expect(() => tokens().issue('open', 'msg_123', 0)).toThrow('msg_<32 hex digits>');
    expect(() => tokens().issue('open', MESSAGE_ID, 65536)).toThrow('recipient index');
    expect(() => tokens().issueClick(MESSAGE_ID, 0, -1, URL_A)).toThrow('link index');
  });
});
