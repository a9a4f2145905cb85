import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** RSA modulus size in bits, the minimum that RFC 8301 3.2 recommends for signers. */
const DKIM_RSA_MODULUS_BITS = 2048;

/** A DKIM signing key and the public half as published in the DKIM key record. */
export interface DkimKeyPair {
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  privateKeyPem: string;
  /** Base64 of the SubjectPublicKeyInfo DER, the value of the `p=` tag. */
  publicKeyBase64: string;
}

/** Generates an RSA-2048 DKIM key pair without blocking the event loop. */
export async function generateDkimKeyPair(): Promise<DkimKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: DKIM_RSA_MODULUS_BITS,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

  return { privateKeyPem: privateKey, publicKeyBase64: publicKey.toString('base64') };
}
