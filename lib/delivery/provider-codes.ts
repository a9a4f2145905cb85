import type { ReplyReason } from './reply-classifier.js';

/** A range of a provider's numeric error codes, both ends included, and the reason they stand for. */
type CodeRange = [first: number, last: number, reason: ReplyReason];

/**
 * Spectrum (Charter) ends its refusals with `AUP#I` or `AUP#O` and four digits, whatever the
 * status code: a connection limit comes as `550 5.1.0 … sender rejected … AUP#In-1310`. The
 * ranges follow the Spectrum table of sisimai (`lib/sisimai/rhost/spectrum.rb`), which quotes
 * Spectrum's "Understanding email error codes" page.
 */
const SPECTRUM_AUP: CodeRange[] = [
  [1000, 1000, 'blocklist'],
  [1010, 1080, 'policy'],
  [1090, 1090, 'system_error'],
  [1100, 1190, 'policy'],
  [1200, 1250, 'blocklist'],
  [1260, 1260, 'network_error'],
  [1300, 1490, 'rate_limit'],
  [1500, 1520, 'sender_rejected'],
  [1530, 1530, 'message_too_large'],
  [1540, 1550, 'rate_limit'],
  [1560, 1560, 'policy'],
  [1580, 1580, 'rate_limit'],
];

/**
 * Orange and La Poste end their replies with a code such as `OFR005_505`, `LPN007_416` or
 * `OFR_417`, whose last three digits give the cause. Several causes share the wording "Service
 * refused, please try later", so the code decides. The meanings follow the Orange and La Poste
 * table of sisimai (`lib/sisimai/rhost/franceptt.rb`). Codes missing here leave the text to decide.
 */
const ORANGE_CODES: Record<string, ReplyReason> = {
  '101': 'blocklist',
  '102': 'blocklist',
  '104': 'rate_limit',
  '401': 'authentication',
  '403': 'sender_rejected',
  '405': 'sender_rejected',
  '415': 'sender_rejected',
  '416': 'mailbox_unknown',
  '417': 'mailbox_full',
  '420': 'mailbox_disabled',
  '426': 'mailbox_disabled',
  '505': 'system_error',
  '506': 'spam_content',
  '514': 'message_too_large',
  '517': 'authentication',
};

const SPECTRUM_CODE = /\baup#[a-z-]*(\d{4})\b/;
const ORANGE_CODE = /\b(?:lpn(?:aaa)?|ofr|ouk)(?:_|\d{3}[-_])(\d{3})\b/;

/**
 * Returns the reason of a provider's own error code in a reply, or undefined when the reply
 * carries no code listed here. `text` is the reply text in lower case.
 */
export function providerCodeReason(text: string): ReplyReason | undefined {
  const aup = SPECTRUM_CODE.exec(text);
  if (aup) {
    const code = Number(aup[1]);
    return SPECTRUM_AUP.find(([first, last]) => code >= first && code <= last)?.[2];
  }

  const orange = ORANGE_CODE.exec(text);
  return orange ? ORANGE_CODES[orange[1]] : undefined;
}
