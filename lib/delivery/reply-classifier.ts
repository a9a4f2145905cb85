import { providerCodeReason } from './provider-codes.js';

/** Outcome of a reply: delivered, retried later (`deferred`), or a bounce of type hard, soft or block. */
export type ReplyCategory = 'delivered' | 'hard' | 'soft' | 'block' | 'deferred';

/** Short label of why a reply was given. */
export type ReplyReason =
  | 'delivered'
  | 'mailbox_unknown'
  | 'domain_unknown'
  | 'mailbox_disabled'
  | 'mailbox_full'
  | 'message_too_large'
  | 'policy'
  | 'blocklist'
  | 'spam_content'
  | 'invalid_content'
  | 'authentication'
  | 'sender_rejected'
  | 'relay_denied'
  | 'protocol_error'
  | 'rate_limit'
  | 'greylisted'
  | 'expired'
  | 'network_error'
  | 'system_error'
  | 'no_connection'
  | 'unknown';

/** One SMTP reply as the delivery code records it. */
export interface SmtpReply {
  /** Reply code, or null when no server replied. */
  code: number | null;
  /** RFC 3463 enhanced status code such as `5.1.1`, when the reply carried one. */
  enhancedStatus: string | null;
  /** Reply text, code included. */
  response: string;
}

/** Category, reason and rate-limit flag of one reply. */
export interface ReplyClassification {
  category: ReplyCategory;
  /** True when the reply requests fewer messages or connections from the sender. It is true only with `deferred`. */
  rateLimited: boolean;
  reason: ReplyReason;
}

/** Category of each reason when the reply is permanent (5xx). */
const PERMANENT_CATEGORY: Record<ReplyReason, ReplyCategory> = {
  delivered: 'delivered',
  mailbox_unknown: 'hard',
  domain_unknown: 'hard',
  mailbox_disabled: 'soft',
  mailbox_full: 'soft',
  message_too_large: 'soft',
  policy: 'block',
  blocklist: 'block',
  spam_content: 'block',
  invalid_content: 'block',
  authentication: 'block',
  sender_rejected: 'block',
  relay_denied: 'block',
  protocol_error: 'block',
  rate_limit: 'deferred',
  greylisted: 'deferred',
  expired: 'soft',
  network_error: 'soft',
  system_error: 'soft',
  no_connection: 'deferred',
  unknown: 'soft',
};

/**
 * Wordings of the reply text that name a reason outright, tried in order, so a specific reason (a
 * full mailbox, a rate limit) wins over words around it. Texts are lowercased with whitespace
 * collapsed before matching.
 */
const SPECIFIC_WORDINGS: Array<[ReplyReason, RegExp]> = [
  [
    'rate_limit',
    /rate.?limit|too many (connections|concurrent|simultaneous|sessions|messages|mails|e-?mails|recipients)|sent to too many recipients|throttl|frequency limited|unusual rate|receiving mail at a rate|temporarily deferred due to|limit for processing requests|server busy|too busy|too fast|slow down|connection limit|concurrency limit|exceeded (the|its|your)? ?(message |sending |connection )?rate/,
  ],
  ['greylisted', /gr[ae]y.?list/],
  [
    'mailbox_full',
    /mailbox (is )?full|mail ?box.{0,30}\bfull\b|over.?quota|quota.{0,20}(exceed|full|reached)|exceed.{0,40}quota|(out of|insufficient) storage space|exceeded storage allocation|mailbox size limit|(mailbox|inbox) exceeds|full mailbox|inbox is full|boite pleine|storage (allocation|space) (exceeded|is full)|mailbox is full|their mailbox is full/,
  ],
  [
    'message_too_large',
    /(message|mail|e-?mail) (size )?(is )?too (big|large)|message size exceeds|size exceeds|exceeds.{0,40}(size|length) limit|message length exceeds|too large|maximum (message )?size/,
  ],
  [
    'sender_rejected',
    /sender (address |domain )?(is )?(rejected|denied|refused|blocked|not allowed|unknown|invalid)|provide a valid from|domain of sender|sender domain|but sender was rejected|sender verify|verification failed for|unverified sender|unroutable sender|invalid sender|bad sender|mail from .{0,100}rejected|envelope sender/,
  ],
  [
    'relay_denied',
    /relay(ing)? (access )?(denied|not permitted|prohibited|not allowed)|not (allowed|configured|permitted|authorized) to relay|unable to relay|relaying denied|no relaying|allowed rcpthosts|relay not permitted|we do not relay|not a registered gateway user/,
  ],
  [
    'authentication',
    /\bspf\b|dkim|dmarc|unauthenticated|not authenticated|authentication|authenticate|auth ?required|sender policy framework|mismatches client ip/,
  ],
  ['network_error', /not found, try again|temporary (dns|lookup) (error|failure)|servfail/],
  [
    'domain_unknown',
    /host unknown|unknown host|host or domain name not found|domain (name )?not found|no such domain|unknown domain|unrout(e)?able domain|nxdomain|null mx|(does not|doesn't) (accept|receive) (e-?)?mail|domain is not reachable|no (valid )?mx (record|entry|entries)|no mail exchanger|indicated no smtp service|domain.{0,20}(does not|doesn't) exist|host not found|host \S+ not found|illegal host|domain .{0,40}not (exist|found)/,
  ],
  [
    'mailbox_unknown',
    /user unknown|unknown (user|recipient|mailbox|local.?part|address|account)|no such (user|mailbox|recipient|address|account|person|local user)|(user|mailbox|account|address|recipient|addressee) (does not|doesn't|did not) exist|does not exist|user not exists?\b|invalid (final )?(delivery )?user ?id|invalid (recipient|mailbox|address|user|destination)|user not (found|exist|local)|(recipient|mailbox|address|user) not found|recip(ient)?notfound|mailbox unavailable|no mailbox|unrout(e)?able address|addressee unknown|not our (user|customer)|not a (valid|known|registered)|doesn't have an? .{1,40} account|no longer (on|at|with|valid|available|active)|bad destination mailbox|unknown or illegal alias|recipient address rejected: access denied|(mailbox|account) (has been )?(removed|deleted|closed)|not listed in|destinataire invalide|inactive e-?mail|(recipient|address|mailbox|user) (is )?unknown|(could not|couldn't) be found|recipient name is not recognized|name is not recognized/,
  ],
  [
    'blocklist',
    /spamhaus|spamcop|sorbs|barracuda|black ?list|block ?list|deny ?list|\bdnsbl\b|\brbl\b|blocked using|listed (at|in|on|by)|reputation|complaints|ipcheck|dnsbl|open relay/,
  ],
  [
    'spam_content',
    /spam|unsolicited|\bube\b|\bjunk|bulk mail|virus|malware|phish|content (rejected|restriction|filter)|message content|suspicious|filtered|unwanted messages/,
  ],
  [
    'mailbox_disabled',
    /(account|mailbox|user|address|recipient|e-?mail) (is |has been )?(disabled|inactive|suspended|deactivated|frozen|locked|expired|discontinued)|(disabled|inactive|suspended|deactivated|frozen) (recipient|account|mailbox|user|address)|mailbox is frozen|disabled or discontinued|\bon hold\b/,
  ],
  [
    'policy',
    /blocked|\bblock\b|polic(y|ies)|denied|\bdeny\b|not (allowed|authorized|permitted)|prohibit|banned|forbidden|not welcome|\bptr\b|reverse dns|rdns|protocol violation|security|client host rejected|refused to talk to me|my name was rejected|will not accept|(refused|rejected) (by|due|for|because)|(service|mail|message) (refused|refuse|rejected|rejete)|(not have|no) permission|not a member/,
  ],
  [
    'expired',
    /expired|retry (time|timeout|period)|time ?out exceeded|timeout exceeded|giving up|could not be delivered (within|for)|could not deliver for|too long in (the )?queue|in the queue too long|delivery time|undeliverable for|max(imum)? (delivery )?time/,
  ],
  [
    'network_error',
    /timed out|timeout|connection (refused|reset|closed|lost|dropped)|lost connection|could not connect|unable to connect|cannot connect|connect to|no route|unreachable|network|too many hops|mail loop|loops? (back|detected)|did not accept our requests to connect|dns (error|failure|lookup failure)|establish an smtp connection|socket error|econnrefused|econnreset|etimedout|ehostunreach/,
  ],
  [
    'invalid_content',
    /header|8-?bit|\bmime\b|malformed (header|message|mime|address)|invalid (message|character)|not rfc|rfc ?5322|rfc ?2822|line (too long|length)|bare (lf|cr)/,
  ],
];

/**
 * Generic wordings, read only when neither a specific wording nor a specific enhanced status
 * code gave a reason, because servers put them in front of every kind of refusal.
 */
const GENERIC_WORDINGS: Array<[ReplyReason, RegExp]> = [
  ['mailbox_unknown', /recipient address rejected/],
  ['policy', /reject|refus|not accepted|unacceptable|rejet/],
  [
    'system_error',
    /system|internal|local (problem|error)|temporar|service (is )?(currently )?(not available|unavailable)|resources|try (again )?later|storage|protocol|sequence|command|configuration|server error|out of memory|disk/,
  ],
];

/**
 * Reasons of RFC 3463 enhanced status codes by subject and detail (`1.1` for x.1.1), with
 * `subject.0` standing for the whole subject (RFC 3463 section 3, RFC 7372 for x.7.20 to x.7.27).
 */
const STATUS_REASONS: Record<string, ReplyReason> = statusTable({
  mailbox_unknown: ['1.0', '1.1', '1.3', '1.4', '1.6'],
  domain_unknown: ['1.2', '1.10', '4.4', '7.27'],
  sender_rejected: ['1.7', '1.8'],
  mailbox_disabled: ['2.1', '7.13'],
  mailbox_full: ['2.2'],
  message_too_large: ['2.3', '3.4'],
  system_error: ['2.4', '3.0', '4.3', '4.5', '5.0'],
  network_error: ['4.0', '4.6'],
  expired: ['4.7'],
  rate_limit: ['5.3'],
  invalid_content: ['6.0'],
  policy: ['7.0', '7.25'],
  spam_content: ['7.7'],
  authentication: ['7.8', '7.20', '7.21', '7.22', '7.23', '7.24', '7.26'],
});

/** Reasons of bare reply codes, for replies without an enhanced status or a telling text. */
const CODE_REASONS: Record<number, ReplyReason> = {
  521: 'domain_unknown',
  530: 'authentication',
  535: 'authentication',
  551: 'mailbox_unknown',
  552: 'mailbox_full',
  553: 'mailbox_unknown',
  554: 'policy',
  556: 'domain_unknown',
};

/** Leading reply code of a reply text, as in `550 5.1.1 …` or `550-5.1.1 …`. */
const LEADING_CODE = /^\s*([2-5]\d\d)(?=[\s-]|$)/;
/** RFC 3463 enhanced status code inside a reply text, also qmail's `#5.1.1` form. */
const STATUS_IN_TEXT = /(?:^|[\s#(['"<:;,=-])([245]\.\d{1,3}\.\d{1,3})(?=$|[\s)\]'">.,;:-])/;
/** Reply codes of a command that the server did not understand or expected elsewhere (RFC 5321 4.2.3). */
const PROTOCOL_CODES = new Set([500, 501, 502, 503, 504]);
/** Wordings of a 4xx reply that, with a 4.7.x status, mean the server wants fewer messages. */
const VOLUME_HINT = /try (again )?later|deferred|too many/;
/** Text that the reporting MTA adds around a reply, which would otherwise match the wordings. */
const MTA_BOILERPLATE = /\(in reply to [^)]*\)|in reply to (end of )?(data|rcpt to|mail from)( command)?|host \S+\[[^\]]*\] said:/g;

/**
 * Classifies one SMTP reply. A provider's own error code decides first, then a specific wording
 * of the text, because servers send misleading codes (a 5.1.1 for a rate limit, a 550 for a full
 * mailbox). Next come the reply codes 500 to 504 of a protocol error, then the enhanced status
 * code, then generic wordings, then the reply code. A 4xx, or no reply at all, is always `deferred`.
 */
export function classifySmtpReply(reply: SmtpReply): ReplyClassification {
  const text = normalizeText(reply.response);
  const code = reply.code ?? leadingCode(reply.response);
  const status = reply.enhancedStatus ?? enhancedStatusIn(reply.response);
  const replyClass = replyClassOf(code, status);

  if (replyClass === null) return { category: 'deferred', rateLimited: false, reason: wordingReason(SPECIFIC_WORDINGS, text) ?? 'no_connection' };
  if (replyClass === 2) return { category: 'delivered', rateLimited: false, reason: 'delivered' };

  const reason = reasonOf(text, code, status);
  if (replyClass !== 5) return deferral(reason, code, status, text);
  return { category: PERMANENT_CATEGORY[reason], rateLimited: reason === 'rate_limit', reason };
}

/**
 * Classifies the reply that ended delivery for good, as in a failure DSN after the retries ran
 * out. A permanent reply keeps its category, with rate limits and greylisting turned `soft`. A
 * temporary (4xx) one is `soft` unless its text names a refusal, which stays a `block` because a
 * block suppresses nothing, or a null MX, which RFC 7505 makes final.
 */
export function classifyFinalFailure(reply: SmtpReply): { category: 'hard' | 'soft' | 'block'; reason: ReplyReason } {
  const text = normalizeText(reply.response);
  // A report that gives neither a code nor a status still reports a failure that has ended.
  const replied = classifySmtpReply(reply.code === null && reply.enhancedStatus === null && text.length > 0 ? { ...reply, code: 550 } : reply);
  const { reason } = replied;
  if (replied.category === 'hard' || replied.category === 'soft' || replied.category === 'block') return { category: replied.category, reason };
  if (reason === 'no_connection') return { category: 'soft', reason: 'network_error' };
  if (reason === 'rate_limit' && isPermanent(reply)) return { category: 'soft', reason };

  // A temporary refusal can give the sender's reputation as the cause of a rate limit, and a 421
  // counts as one unless a provider's code names its cause.
  const coded = reason === 'rate_limit' ? providerCodeReason(text) : undefined;
  const cause = reason === 'rate_limit' ? (coded ?? wordingReason(SPECIFIC_WORDINGS.filter(([name]) => name !== 'rate_limit'), text)) : reason;
  if (cause && PERMANENT_CATEGORY[cause] === 'block') return { category: 'block', reason: cause };
  if (/null mx/.test(text)) return { category: 'hard', reason: 'domain_unknown' };
  return { category: 'soft', reason: coded ?? reason };
}

function isPermanent(reply: SmtpReply): boolean {
  const code = reply.code ?? leadingCode(reply.response);
  if (code !== null) return code >= 500;
  return (reply.enhancedStatus ?? enhancedStatusIn(reply.response))?.startsWith('5.') ?? true;
}

function reasonOf(text: string, code: number | null, status: string | null): ReplyReason {
  const coded = providerCodeReason(text);
  if (coded) return coded;

  const worded = wordingReason(SPECIFIC_WORDINGS, text);
  // 521 and 556 mean that the host or domain accepts no mail at all (RFC 7504), whatever the status.
  if ((code === 521 || code === 556) && (worded === undefined || PERMANENT_CATEGORY[worded] === 'soft')) return 'domain_unknown';
  // x.1.7 and x.1.8 blame the sender's address, which texts like "no such domain" do not name.
  if (/^\d\.1\.[78]$/.test(status ?? '') && (worded === 'mailbox_unknown' || worded === 'domain_unknown' || worded === undefined)) return 'sender_rejected';

  return (
    worded ??
    protocolError(code, status) ??
    statusReason(status, { specificOnly: true }) ??
    wordingReason(GENERIC_WORDINGS, text) ??
    statusReason(status, { specificOnly: false }) ??
    (code !== null ? CODE_REASONS[code] : undefined) ??
    'unknown'
  );
}

/**
 * Returns `protocol_error` for a reply code of a protocol error whose status, if any, names no
 * other subject than the protocol (x.5.x) or none (x.0.x).
 */
function protocolError(code: number | null, status: string | null): ReplyReason | undefined {
  if (code === null || !PROTOCOL_CODES.has(code)) return undefined;
  return status === null || /^\d\.[05]\./.test(status) ? 'protocol_error' : undefined;
}

function deferral(reason: ReplyReason, code: number | null, status: string | null, text: string): ReplyClassification {
  if (reason === 'greylisted') return { category: 'deferred', rateLimited: false, reason };

  // 421 closes the session, which servers do to shed load.
  if (reason === 'rate_limit' || code === 421) return { category: 'deferred', rateLimited: true, reason: 'rate_limit' };

  // Greylisting servers often reply with only "try again later", and with 4.7.1, 4.2.0 or no status.
  const greylistStatus = status === null || status === '4.7.1' || status === '4.2.0';
  const worded = wordingReason(SPECIFIC_WORDINGS, text);
  if (/try again later/.test(text) && greylistStatus && (worded === undefined || PERMANENT_CATEGORY[worded] !== 'block')) {
    return { category: 'deferred', rateLimited: false, reason: 'greylisted' };
  }

  // Other 4.7.x replies are the policy class that Gmail and Yahoo use for volume limits.
  if (status?.startsWith('4.7.') === true && VOLUME_HINT.test(text)) return { category: 'deferred', rateLimited: true, reason: 'rate_limit' };
  return { category: 'deferred', rateLimited: false, reason };
}

/** Returns the first digit of the reply code, else of the enhanced status code, else null. */
function replyClassOf(code: number | null, status: string | null): number | null {
  if (code !== null) return Math.floor(code / 100);
  if (status !== null) return Number(status[0]);
  return null;
}

function normalizeText(response: string): string {
  return response.toLowerCase().replace(MTA_BOILERPLATE, ' ').replace(/\s+/g, ' ').trim();
}

function statusTable(codes: Partial<Record<ReplyReason, string[]>>): Record<string, ReplyReason> {
  return Object.fromEntries(Object.entries(codes).flatMap(([reason, details]) => details.map((detail) => [detail, reason as ReplyReason])));
}

function wordingReason(wordings: Array<[ReplyReason, RegExp]>, text: string): ReplyReason | undefined {
  return wordings.find(([, pattern]) => pattern.test(text))?.[0];
}

/** Returns the reason of an enhanced status code. With `specificOnly`, x.0.z codes, which give only the class, have none. */
function statusReason(status: string | null, options: { specificOnly: boolean }): ReplyReason | undefined {
  const match = /^[245]\.(\d{1,3})\.(\d{1,3})$/.exec(status ?? '');
  if (!match) return undefined;
  if (options.specificOnly && match[1] === '0') return undefined;
  return STATUS_REASONS[`${match[1]}.${match[2]}`] ?? STATUS_REASONS[`${match[1]}.0`];
}

/** Returns the reply code at the start of `text`, or null. */
export function leadingCode(text: string): number | null {
  const match = LEADING_CODE.exec(text);
  return match ? Number(match[1]) : null;
}

/** Returns the first RFC 3463 enhanced status code in `text`, or null. */
export function enhancedStatusIn(text: string): string | null {
  return STATUS_IN_TEXT.exec(text)?.[1] ?? null;
}
