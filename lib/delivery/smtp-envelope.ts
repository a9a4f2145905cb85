import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { hasNonAsciiLocalPart, toAsciiDomainAddress } from './address-encoding.js';

/** An envelope address as the caller spelled it and as it goes on the wire. */
export interface SmtpAddress {
  /** Address as passed to `SmtpDelivery.send`, which results report. */
  email: string;
  /** Address in MAIL FROM or RCPT TO: the domain in A-labels, the local part unchanged. */
  address: string;
  /** True for a non-ASCII local part, which only a server that offers SMTPUTF8 accepts (RFC 6531). */
  needsSmtpUtf8: boolean;
}

/** An envelope in wire form, each recipient once. */
export interface SmtpEnvelope {
  from: SmtpAddress;
  to: SmtpAddress[];
}

/** Converts `from` and `to` to wire form and drops recipients that repeat one, ignoring case. */
export function toSmtpEnvelope(envelope: { from: string; to: string[] }): SmtpEnvelope {
  const seen = new Set<string>();
  const to: SmtpAddress[] = [];

  for (const email of envelope.to) {
    const recipient = toSmtpAddress(email);
    const key = recipient.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    to.push(recipient);
  }

  return { from: toSmtpAddress(envelope.from), to };
}

/** Returns whether any address of `envelope` needs SMTPUTF8. */
export function envelopeNeedsSmtpUtf8(envelope: SmtpEnvelope): boolean {
  return envelope.from.needsSmtpUtf8 || envelope.to.some((recipient) => recipient.needsSmtpUtf8);
}

/** Groups recipients by their domain in A-labels, lowercase. */
export function groupByDomain(recipients: SmtpAddress[]): Map<string, SmtpAddress[]> {
  const groups = new Map<string, SmtpAddress[]>();
  for (const recipient of recipients) {
    const domain = recipient.address.slice(recipient.address.lastIndexOf('@') + 1).toLowerCase();
    groups.set(domain, [...(groups.get(domain) ?? []), recipient]);
  }
  return groups;
}

/**
 * Returns whether the server listed SMTPUTF8 in its EHLO reply. nodemailer sends a non-ASCII
 * address without checking, so this check is what keeps one from a server that cannot take it.
 *
 * NOTE: nodemailer 10 keeps the EHLO extensions only in the private `_supportedExtensions` field.
 * If an update moves it, this returns false and every non-ASCII local part fails with 5.6.7, which
 * the SMTPUTF8 tests of smtp-delivery.spec.ts catch.
 */
export function offersSmtpUtf8(connection: SMTPConnection): boolean {
  const extensions: unknown = Reflect.get(connection, '_supportedExtensions');
  return Array.isArray(extensions) && extensions.includes('SMTPUTF8');
}

function toSmtpAddress(email: string): SmtpAddress {
  return { email, address: toAsciiDomainAddress(email), needsSmtpUtf8: hasNonAsciiLocalPart(email) };
}
