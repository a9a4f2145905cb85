import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateSigningSecret, signWebhook } from './webhook-signature.js';

/** Recomputes the signature the way the TypeScript receiver in the ScaiSend "Your first integration" guide does. */
function receiverSignature(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body.toString()}`).digest('hex');
}

describe('signWebhook', () => {
  const secret = 'whsec_test-secret';
  const body = '{"event_type":"delivered","to":"zoë@example.com"}';

  it('matches a vector computed with Python hmac', () => {
    // python3: hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    expect(signWebhook(secret, 1700000000, body)).toBe('1c0188e586bfa6a319b817591cd21fc38a1323b09c354cb9bdbb0be371ffee09');
  });

  it('verifies like the reference receiver', () => {
    const signature = signWebhook(secret, 1700000000, body);
    const expected = receiverSignature(secret, '1700000000', Buffer.from(body, 'utf8'));

    expect(timingSafeEqual(Buffer.from(expected), Buffer.from(signature))).toBe(true);
  });

  it('returns lowercase hex of 32 bytes', () => {
    expect(signWebhook(secret, 1, '{}')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with timestamp, body and secret', () => {
    const base = signWebhook(secret, 1700000000, body);

    expect(signWebhook(secret, 1700000001, body)).not.toBe(base);
    expect(signWebhook(secret, 1700000000, `${body} `)).not.toBe(base);
    expect(signWebhook(`${secret}x`, 1700000000, body)).not.toBe(base);
  });
});

describe('generateSigningSecret', () => {
  it('returns whsec_ and 32 bytes of base64url', () => {
    const secret = generateSigningSecret();

    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64url')).toHaveLength(32);
  });

  it('returns a different secret each call', () => {
    expect(generateSigningSecret()).not.toBe(generateSigningSecret());
  });
});
