import { enhancedStatusIn } from '../delivery/reply-classifier.js';

/** A failed address found in the text of a bounce, with the lines that explain it. */
export interface TextFailure {
  /** Address in lower case. */
  email: string;
  /** The lines after the address, up to the next failed address, starting at the reply when there is one. */
  diagnostic: string;
  /** Reply code in those lines, or null. */
  code: number | null;
  /** Enhanced status code in those lines (`5.1.1`, qmail's `#5.1.1`), or null. */
  status: string | null;
  /** All lines about this recipient, with the transcript that shows which command got the reply. */
  context: string;
}

/** An e-mail address as bounces print it, also with a quoted local part. */
const ADDRESS = String.raw`(?:"[^"\r\n]+"|[a-z0-9!#$%&'*+/=?^_\x60{|}~.-]+)@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}`;

/**
 * Lines that name a failed recipient in the bounce formats of Postfix, Exim, qmail, Sendmail,
 * Exchange, Gmail, Yahoo, Lotus Notes, Zoho, DragonFly and others. Each captures the address.
 */
const ANCHORS: RegExp[] = [
  // `<a@b>:` (Postfix, qmail, Yahoo), `<a@b>... User unknown` (Sendmail), a bare address line
  // (Exim, Gmail, Domino), `a@b on <date>` (Exchange 2003), `a@b Invalid Address` (Zoho).
  new RegExp(String.raw`^[>\s"*•-]*(?:\d{3}[ -](?:\d\.\d{1,3}\.\d{1,3}\s+)?)?<?(${ADDRESS})>?"?(?:$|[\s:.,;(])`, 'i'),
  // Sendmail and ezweb transcripts, and Exim's `SMTP error … after RCPT TO:<a@b>`.
  new RegExp(String.raw`rcpt to:\s*<?(${ADDRESS})>?`, 'i'),
  // Sentences that end in the failed address.
  new RegExp(
    String.raw`(?:deliver(?:ing|y)? (?:your )?(?:mail |message )?to|(?:not|n't) (?:be )?(?:delivered|reach(?:ed)?) to|undeliverable to|failed to deliver to|recipient|recipient address|target mail address|failed address|address(?:es)? failed|unknown user|invalid recipient|no such user|user unknown|member of (?:this |the )?(?:mailing )?list|address:(?=\s*<)):?\s*<?(${ADDRESS})>?`,
    'i',
  ),
  // An error, a colon and the address, as in `User mailbox exceeds allowed size: a@b` (IMail).
  new RegExp(String.raw`^[^:<>@]{3,80}:\s*<?(${ADDRESS})>?\s*$`, 'i'),
];

/** Sendmail's `554 <a@b>... reason`, a whole reply on one line. */
const SENDMAIL_REPLY_LINE = new RegExp(String.raw`^\s*\d{3}[ -]<?${ADDRESS}>?\.\.\.\s*\S`, 'i');

/** Lines that name an address which is not a failed recipient. */
const NOT_A_RECIPIENT =
  /^\s*(?:from|to|cc|bcc|reply-to|sender|return-path|delivered-to|message-id|in-reply-to|references|resent-[\w-]+|x-[\w-]+|mail from|envelope-from)\s*:|message sent by|hello |^\s*dear /i;

/** Markers before the returned copy of the original message, which names addresses of its own. */
const ORIGINAL_MESSAGE_MARKERS = [
  /^[ \t-]*this is a copy of the message/im,
  /^[ \t-]*the (header|headers|text) of the original message/im,
  /^[ \t-]*below this line is a copy of the message/im,
  /^[ \t-]*enclosed is a copy of the message/im,
  /^[ \t-]*original message follows/im,
  /^[ \t]*-{2,}[ \t]*original message[ \t]*-{2,}/im,
  /^[ \t]*-{2,}[ \t]*returned message[ \t]*-{2,}/im,
  /^[ \t]*message headers follow/im,
  /^-{3,}[ \t]*original mail info/im,
  /^[ \t]*content-type:[ \t]*message\/rfc822/im,
  /^(?:return-path|received|dkim-signature|x-received|delivered-to):[ \t]/im,
];

/**
 * Extracts the failed recipients of a bounce written as plain text, in the order the text names
 * them. `exclude` lists addresses to ignore, such as the sender that the bounce goes back to.
 */
export function extractTextFailures(text: string, exclude: Set<string>): TextFailure[] {
  const part = humanReadablePart(text);
  const lines = part.split(/\r?\n/);
  // A bounce of a message that its sender sent to itself names only excluded addresses.
  const found = findAnchors(lines, exclude);
  const anchors = found.length > 0 ? found : findAnchors(lines, new Set());
  const single = new Set(anchors.map((anchor) => anchor.email)).size === 1;

  // Sendmail names an address in its summary and again in the transcript, so blocks are joined.
  const blocks = new Map<string, string[]>();
  anchors.forEach((anchor, index) => {
    // Sendmail's `554 <a@b>... reason` sums up the transcript above it, and the lines after it are about other hosts.
    const next = anchors[index + 1]?.line ?? lines.length;
    const summary = SENDMAIL_REPLY_LINE.test(lines[anchor.line]);
    const start = summary ? transcriptStart(lines, anchors[index - 1], anchor.line) : anchor.line;
    const end = summary ? anchor.line + 1 : next;
    blocks.set(anchor.email, [...(blocks.get(anchor.email) ?? []), lines.slice(start, end).join('\n')]);
  });

  return [...blocks].map(([email, texts]) => {
    const failure = failureOf(email, texts.join('\n'));
    // A lone recipient's reply can stand anywhere in the text, even before the address.
    if (single && failure.code === null && failure.status === null) {
      const whole = failureOf(email, part);
      if (whole.code !== null || whole.status !== null) return whole;
    }
    return failure;
  });
}

/** Returns the part of a bounce before the copy of the original message. */
export function humanReadablePart(text: string): string {
  let end = text.length;
  for (const marker of ORIGINAL_MESSAGE_MARKERS) {
    const match = marker.exec(text);
    if (match && match.index > 0 && match.index < end) end = match.index;
  }
  return text.slice(0, end);
}

/** Maximum length of a diagnostic, in characters: replies stay far below it, whole bounce texts can pass it. */
const MAX_DIAGNOSTIC_LENGTH = 1000;

/** Collapses whitespace and cuts a diagnostic to {@link MAX_DIAGNOSTIC_LENGTH} characters. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_DIAGNOSTIC_LENGTH);
}

/** A line that names a failed recipient. A line has one anchor at most, and anchors are in line order. */
interface Anchor {
  line: number;
  email: string;
}

/** Sendmail's line that opens the transcript of a session with one host. */
const SESSION_START = /^\s*(?:\.\.\.\s*)?while talking to /i;
/** A reply line of a Sendmail transcript. */
const TRANSCRIPT_REPLY = /^\s*<<< [45]\d\d/;

/**
 * Returns the first line of the session transcript that a Sendmail summary line at `line` sums
 * up, such as the `<<< 501 … open relay` reply to MAIL FROM above `554 <a@b>... Remote protocol
 * error`. It returns `line` when no transcript with a failure reply comes between the previous
 * anchor's lines and the summary.
 */
function transcriptStart(lines: string[], previous: Anchor | undefined, line: number): number {
  // The lines after an anchor that is not a summary line belong to that anchor.
  if (previous && !SENDMAIL_REPLY_LINE.test(lines[previous.line])) return line;

  const from = previous ? previous.line + 1 : 0;
  for (let index = line - 1; index >= from; index -= 1) {
    if (!SESSION_START.test(lines[index])) continue;
    return lines.slice(index, line).some((text) => TRANSCRIPT_REPLY.test(text)) ? index : line;
  }
  return line;
}

function findAnchors(lines: string[], exclude: Set<string>): Anchor[] {
  const anchors: Anchor[] = [];
  lines.forEach((line, index) => {
    if (NOT_A_RECIPIENT.test(line)) return;

    for (const pattern of ANCHORS) {
      const match = pattern.exec(line);
      if (!match) continue;

      const email = match[1].toLowerCase();
      if (exclude.has(email)) return;
      anchors.push({ line: index, email });
      return;
    }
  });
  return anchors;
}

/** An enhanced status code of class 4 or 5, in the same forms that `enhancedStatusIn` reads. */
const FAILURE_STATUS = /(?:^|[\s#(['"<:;,=-])([45]\.\d{1,3}\.\d{1,3})(?=$|[\s)\]'">.,;:-])/;
/** A failure reply code. The 2xx and 3xx codes of a transcript are the steps that worked. */
const REPLY_CODE = /(?:^|[\s:('"=>])([45]\d\d)(?=[ \-,:;)]|$)/m;

function failureOf(email: string, block: string): TextFailure {
  const reply = REPLY_CODE.exec(block);
  const fromReply = reply ? block.slice(reply.index) : block;
  return {
    email,
    diagnostic: oneLine(fromReply),
    code: reply ? Number(reply[1]) : null,
    // The transcript before the failure contains the 2.x.x statuses of the steps that worked.
    status: enhancedStatusIn(fromReply) ?? FAILURE_STATUS.exec(block)?.[1] ?? null,
    context: block,
  };
}
