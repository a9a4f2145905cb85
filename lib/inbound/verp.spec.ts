import { createId } from '../common/ids.js';
import { parseVerpToken, verpAddress, verpTokenOfAddress } from './verp.js';

const SECRET = 'a-module-secret-key-of-32-characters!';
const MESSAGE_ID = 'msg_0123456789abcdef0123456789abcdef';

function tokenOf(address: string): string {
  const token = verpTokenOfAddress(address);
  if (token === null) throw new Error(`${address} is not a VERP address`);
  return token;
}

describe('verpAddress', () => {
  it('builds a short lowercase address', () => {
    const address = verpAddress(MESSAGE_ID, 'Bounces.Mail.Acme.Test.', SECRET);

    expect(address).toMatch(/^bounces\+[a-z2-7]{39}@bounces\.mail\.acme\.test$/);
    expect(address.indexOf('@')).toBeLessThanOrEqual(64);
  });

  it('is deterministic for one message and secret', () => {
    expect(verpAddress(MESSAGE_ID, 'example.test', SECRET)).toBe(verpAddress(MESSAGE_ID, 'example.test', SECRET));
  });

  it('differs between secrets', () => {
    expect(verpAddress(MESSAGE_ID, 'example.test', SECRET)).not.toBe(verpAddress(MESSAGE_ID, 'example.test', `${SECRET}x`));
  });

  it('rejects ids that are not message ids', () => {
    for (const id of ['evt_0123456789abcdef0123456789abcdef', 'msg_0123', 'msg_0123456789ABCDEF0123456789ABCDEF', '']) {
      expect(() => verpAddress(id, 'example.test', SECRET)).toThrow(TypeError);
    }
  });
});

describe('parseVerpToken', () => {
  it('returns the message id of its own token', () => {
    for (let round = 0; round < 50; round++) {
      const id = createId('msg');
      expect(parseVerpToken(tokenOf(verpAddress(id, 'example.test', SECRET)), SECRET)).toBe(id);
    }
  });

  it('accepts an uppercased token', () => {
    const token = tokenOf(verpAddress(MESSAGE_ID, 'example.test', SECRET));

    expect(parseVerpToken(token.toUpperCase(), SECRET)).toBe(MESSAGE_ID);
  });

  it('rejects a token of another secret', () => {
    const token = tokenOf(verpAddress(MESSAGE_ID, 'example.test', SECRET));

    expect(parseVerpToken(token, 'another-secret-key-of-32-characters!!')).toBeNull();
  });

  it('rejects every single-character change', () => {
    const token = tokenOf(verpAddress(MESSAGE_ID, 'example.test', SECRET));

    for (let index = 0; index < token.length; index++) {
      const replacement = token[index] === 'a' ? 'b' : 'a';
      const tampered = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
      expect({ index, id: parseVerpToken(tampered, SECRET) }).toEqual({ index, id: null });
    }
  });

  it('rejects malformed tokens', () => {
    const token = tokenOf(verpAddress(MESSAGE_ID, 'example.test', SECRET));

    for (const malformed of ['', token.slice(1), `${token}a`, `${token.slice(0, -1)}1`, `${token.slice(0, -1)}=`]) {
      expect(parseVerpToken(malformed, SECRET)).toBeNull();
    }
  });
});

describe('verpTokenOfAddress', () => {
  it('returns the token of bounce addresses only', () => {
    expect(verpTokenOfAddress('bounces+abc@bounces.example.test')).toBe('abc');
    expect(verpTokenOfAddress('BOUNCES+ABC@example.test')).toBe('ABC');
    expect(verpTokenOfAddress('bounces@example.test')).toBeNull();
    expect(verpTokenOfAddress('ada+abc@example.test')).toBeNull();
    expect(verpTokenOfAddress('bounces+abc')).toBeNull();
  });
});
