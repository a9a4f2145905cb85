import { assertLineLimits } from './mime-lines.js';

describe('assertLineLimits', () => {
  it('accepts CRLF lines of 998 octets', () => {
    expect(() => assertLineLimits(Buffer.from(`Subject: x\r\n\r\n${'a'.repeat(998)}\r\n`))).not.toThrow();
  });

  it('rejects a line of 999 octets', () => {
    expect(() => assertLineLimits(Buffer.from(`Subject: x\r\n\r\n${'a'.repeat(999)}\r\n`))).toThrow('MIME line 3 is 999 octets long');
  });

  it('counts octets of UTF-8', () => {
    expect(() => assertLineLimits(Buffer.from(`To: ${'ü'.repeat(497)}\r\n`))).not.toThrow();
    expect(() => assertLineLimits(Buffer.from(`To: ${'ü'.repeat(498)}\r\n`))).toThrow('MIME line 1 is 1000 octets long');
  });

  it('rejects a bare LF', () => {
    expect(() => assertLineLimits(Buffer.from('Subject: x\n\r\nbody\r\n'))).toThrow('MIME line 1 ends with a bare LF');
  });

  it('rejects a bare CR', () => {
    expect(() => assertLineLimits(Buffer.from('Subject: x\rBcc: y\r\n'))).toThrow('MIME line 1 contains a bare CR');
  });

  it('rejects a last line without CRLF', () => {
    expect(() => assertLineLimits(Buffer.from('Subject: x\r\n\r\nbody'))).toThrow('MIME line 3 does not end with CRLF');
  });
});
