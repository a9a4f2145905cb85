import { FieldErrorList } from './mail-send.errors.js';
import { checkHeaderFitsLines, checkHeaders } from './mail-send.headers.js';
import { validateMailSend } from './mail-send.validator.js';

/** Returns a URL in angle brackets of exactly `length` characters, with no whitespace to fold at. */
function bracketedUrl(length: number): string {
  const prefix = '<https://mail.example.com/u/';
  return `${prefix}${'a'.repeat(length - prefix.length - 1)}>`;
}

function problems(name: string, value: string): string[] {
  const errors = new FieldErrorList();
  checkHeaderFitsLines(name, value, `headers.${name}`, errors);
  return errors.toArray().map((error) => error.message);
}

function sendBody(headers: Record<string, string>, personalizationHeaders?: Record<string, string>) {
  return {
    personalizations: [{ to: [{ email: 'ada@example.com' }], headers: personalizationHeaders }],
    from: { email: 'hello@example.com' },
    subject: 'Hi',
    content: [{ type: 'text/plain', value: 'Hello' }],
    headers,
  };
}

describe('checkHeaderFitsLines', () => {
  it('accepts a long unstructured token', () => {
    expect(problems('X-Token', 't'.repeat(2000))).toEqual([]);
  });

  it('accepts a non-ASCII unstructured value', () => {
    expect(problems('X-Greeting', 'Grüße aus Köln — 東京')).toEqual([]);
  });

  it('accepts a structured run that fits a continuation line', () => {
    expect(problems('List-Unsubscribe', bracketedUrl(997))).toEqual([]);
  });

  it('rejects a structured run one octet too long', () => {
    const [message] = problems('List-Unsubscribe', bracketedUrl(998));

    expect(message).toMatch(/^The value of header List-Unsubscribe has a run of 998 characters without whitespace\./);
    expect(message).toContain('at most 998 octets');
  });

  it('accepts many structured items separated by whitespace', () => {
    const value = Array.from({ length: 40 }, (_, index) => bracketedUrl(900 + index)).join(', ');

    expect(problems('List-Unsubscribe', value)).toEqual([]);
  });

  it('rejects a non-ASCII structured value', () => {
    const [message] = problems('list-unsubscribe', '<https://bücher.example/u>');

    expect(message).toMatch(/^The value of header list-unsubscribe contains non-ASCII or control characters\./);
  });

  it('rejects a long message id in References', () => {
    expect(problems('References', `<${'r'.repeat(1000)}@example.com>`)).toHaveLength(1);
  });

  it('accepts a name of 997 characters', () => {
    expect(problems(`X-${'n'.repeat(995)}`, 'value')).toEqual([]);
  });

  it('rejects a name of 998 characters', () => {
    const [message] = problems(`X-${'n'.repeat(996)}`, 'value');

    expect(message).toMatch(/^The header name is 998 characters long/);
  });
});

describe('checkHeaders line limits', () => {
  it('names the header path', () => {
    const errors = new FieldErrorList();

    checkHeaders({ 'List-Unsubscribe': bracketedUrl(1200), 'X-Token': 'x'.repeat(1200) }, 'headers', errors);

    expect(errors.toArray().map((error) => error.field)).toEqual(['headers.List-Unsubscribe']);
  });

  it('skips the check for a reserved header', () => {
    const errors = new FieldErrorList();

    checkHeaders({ 'Message-ID': `<${'m'.repeat(1200)}@example.com>` }, 'headers', errors);

    expect(errors.toArray()).toHaveLength(1);
    expect(errors.toArray()[0]?.message).toMatch(/reserved/);
  });
});

describe('validateMailSend header line limits', () => {
  it('rejects an unfoldable top-level header', () => {
    const result = validateMailSend(sendBody({ 'List-Unsubscribe': bracketedUrl(1200) }));

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((error) => error.field)).toEqual(['headers.List-Unsubscribe']);
  });

  it('rejects an unfoldable personalization header', () => {
    const result = validateMailSend(sendBody({}, { 'List-Unsubscribe': bracketedUrl(1200) }));

    expect(result.ok ? [] : result.errors.map((error) => error.field)).toEqual(['personalizations.0.headers.List-Unsubscribe']);
  });

  it('accepts a long unstructured token', () => {
    expect(validateMailSend(sendBody({ 'X-Token': 'x'.repeat(2000) })).ok).toBe(true);
  });
});
