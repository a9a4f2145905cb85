import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { generateDkimKeyPair } from './dkim-keys.js';

describe('generateDkimKeyPair', () => {
  it('returns a matching RSA-2048 pair', async () => {
    const { privateKeyPem, publicKeyBase64 } = await generateDkimKeyPair();
    const privateKey = createPrivateKey(privateKeyPem);
    const publicKey = createPublicKey({
      key: Buffer.from(publicKeyBase64, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const data = Buffer.from('dkim-signature header hash input');

    const signature = sign('sha256', data, privateKey);

    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicKeyBase64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(publicKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(verify('sha256', data, publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('other input'), publicKey, signature)).toBe(false);
  });

  it('returns a new key on each call', async () => {
    const first = await generateDkimKeyPair();
    const second = await generateDkimKeyPair();

    expect(second.publicKeyBase64).not.toBe(first.publicKeyBase64);
  });
});
