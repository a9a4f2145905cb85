import { domainToASCII } from 'node:url';

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Returns `email` with an internationalised domain converted to its A-labels (IDNA punycode,
 * `bücher.example` to `xn--bcher-kva.example`), as SMTP and ASCII headers need it. An ASCII
 * domain and the local part stay as given. A domain that IDNA rejects is kept, so the receiving
 * server reports it.
 */
export function toAsciiDomainAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email;

  const domain = email.slice(at + 1);
  if (!NON_ASCII.test(domain)) return email;

  return `${email.slice(0, at)}@${domainToASCII(domain) || domain}`;
}

/**
 * Returns whether `email` has a non-ASCII local part. Punycode covers only domains, so such an
 * address can travel only over SMTPUTF8 (RFC 6531) and in UTF-8 headers (RFC 6532).
 */
export function hasNonAsciiLocalPart(email: string): boolean {
  const at = email.lastIndexOf('@');
  return NON_ASCII.test(at < 0 ? email : email.slice(0, at));
}
