import type { HeaderLookup } from './auto-reply.js';
import type { InboundReferences } from './inbound-report.js';

/** Headers of the report itself that can name its envelope recipient, most reliable first. */
const RECIPIENT_HEADERS = ['delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'to', 'cc'];

/** Local part prefix of the VERP return path (`bounces+<token>@<domain>`) that outgoing mail uses. */
const VERP_ADDRESS = /bounces\+([^@\s<>"]+)@[a-z0-9.-]+/i;
/** The ScaiSend id header of a returned or quoted original (`> X-ScaiSend-Message-Id: msg_…`). */
const SCAISEND_ID_FIELD = /^[> \t]*x-scaisend-message-id:[ \t]*<?([^\s<>]+)>?/gim;
/** A Message-ID header line, also folded after its name or written without angle brackets. */
const MESSAGE_ID_FIELD = /^[> \t]*message-id:[ \t]*(?:\r?\n[ \t]+)?<?([^\s<>]+@[^\s<>]+?)>?[ \t]*$/gim;
/** Envelope sender fields: of the returned original, of an ARF report, and of Postfix and Exchange DSNs. */
const ENVELOPE_SENDER_FIELD = /^[> \t]*(?:return-path|original-mail-from|x-[\w-]*-sender):[ \t]*(?:rfc822;[ \t]*)?<?([^\s<>]+)>?/gim;

/**
 * Finds what links a report to the message it is about.
 *
 * @param header headers of the report itself
 * @param receivedFor addresses of the `for <…>` clauses of the report's Received headers
 * @param originals texts that can contain the returned original or its envelope sender: the
 *   `message/rfc822` and `text/rfc822-headers` parts, the report parts, the decoded and raw body
 */
export function findReferences(header: HeaderLookup, receivedFor: string[], originals: string[]): InboundReferences {
  return {
    verpToken: verpTokenOf(header, receivedFor) ?? verpTokenIn(originals),
    scaisendMessageId: firstMatch(SCAISEND_ID_FIELD, originals),
    messageIds: allMatches(MESSAGE_ID_FIELD, originals),
  };
}

/**
 * Returns the VERP token of the report's envelope recipient, from the delivery headers, the
 * addressing headers or the `for <…>` clause of its Received headers.
 */
function verpTokenOf(header: HeaderLookup, receivedFor: string[]): string | null {
  const candidates = [...RECIPIENT_HEADERS.map((name) => header(name) ?? ''), ...receivedFor];
  for (const candidate of candidates) {
    const match = VERP_ADDRESS.exec(candidate);
    if (match) return match[1];
  }
  return null;
}

/**
 * Returns the VERP token of the original's envelope sender, from its `Return-Path` or a report
 * field. Feedback reports go to a fixed address, and forwarders can rewrite the envelope of a
 * report, so the report's own recipient does not always carry the token.
 */
function verpTokenIn(originals: string[]): string | null {
  for (const returnPath of allMatches(ENVELOPE_SENDER_FIELD, originals)) {
    const match = VERP_ADDRESS.exec(returnPath);
    if (match) return match[1];
  }
  return null;
}

function firstMatch(field: RegExp, texts: string[]): string | null {
  return allMatches(field, texts)[0] ?? null;
}

function allMatches(field: RegExp, texts: string[]): string[] {
  const values = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(field)) values.add(match[1]);
  }
  return [...values];
}
