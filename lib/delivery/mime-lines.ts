import { MAX_LINE_OCTETS } from './header-encoding.js';

const CR = 0x0d;
const LF = 0x0a;

/**
 * Throws unless every line of `raw` ends with CRLF and holds at most 998 octets before it
 * (RFC 5322 sections 2.1.1 and 2.3). A relay may rewrap a message that breaks either rule, which
 * would break its DKIM signature, so a built message is checked before it leaves the builder.
 */
export function assertLineLimits(raw: Buffer): void {
  let start = 0;
  let lineNumber = 1;

  while (start < raw.length) {
    const lf = raw.indexOf(LF, start);
    if (lf === -1) throw new Error(`MIME line ${lineNumber} does not end with CRLF`);
    if (lf === start || raw[lf - 1] !== CR) throw new Error(`MIME line ${lineNumber} ends with a bare LF`);

    const line = raw.subarray(start, lf - 1);
    if (line.includes(CR)) throw new Error(`MIME line ${lineNumber} contains a bare CR`);
    if (line.length > MAX_LINE_OCTETS) {
      throw new Error(`MIME line ${lineNumber} is ${line.length} octets long, more than the ${MAX_LINE_OCTETS} that RFC 5322 allows`);
    }

    start = lf + 1;
    lineNumber += 1;
  }
}
