import { foldHeaderField, formatAddressField, formatUnstructuredField, formatUserHeader } from './header-encoding.js';

function unfold(field: string): string {
  return field.replace(/\r\n(?=[ \t])/g, '');
}

function lineLengths(field: string): number[] {
  return field.split('\r\n').map((line) => Buffer.byteLength(line));
}

describe('foldHeaderField', () => {
  it('keeps a short field on one line', () => {
    expect(foldHeaderField('X-Campaign', 'spring sale')).toBe('X-Campaign: spring sale');
  });

  it('folds before whitespace within 78 columns', () => {
    const value = Array.from({ length: 60 }, (_, index) => `item${index}`).join(' ');

    const field = foldHeaderField('X-Items', value) ?? '';

    expect(unfold(field)).toBe(`X-Items: ${value}`);
    expect(Math.max(...lineLengths(field))).toBeLessThanOrEqual(78);
    expect(field.split('\r\n').slice(1).every((line) => line.startsWith(' item'))).toBe(true);
  });

  it('never leaves a line of whitespace only', () => {
    const value = `${'a'.repeat(70)}      ${'b'.repeat(70)}`;

    const field = foldHeaderField('X-Gap', value) ?? '';

    expect(unfold(field)).toBe(`X-Gap: ${value}`);
    expect(field.split('\r\n').filter((line) => line.trim() === '')).toEqual([]);
  });

  it('folds after the colon for a long first run', () => {
    const run = 'r'.repeat(990);

    expect(foldHeaderField('List-Unsubscribe', run)).toBe(`List-Unsubscribe:\r\n ${run}`);
  });

  it('returns null for a run longer than a line', () => {
    expect(foldHeaderField('X-Run', 'r'.repeat(998))).toBeNull();
  });

  it('counts octets, not characters', () => {
    expect(foldHeaderField('X-Run', 'ü'.repeat(499))).toBeNull();
    expect(foldHeaderField('X-Run', 'ü'.repeat(498))).not.toBeNull();
  });
});

describe('formatUnstructuredField', () => {
  it('leaves ASCII text as it is', () => {
    expect(formatUnstructuredField('Subject', 'Your receipt')).toBe('Subject: Your receipt');
  });

  it('encodes non-ASCII text as whole encoded-words', () => {
    expect(unfold(formatUnstructuredField('Subject', 'Köln 東京') ?? '')).toMatch(/^Subject: =\?UTF-8\?[QB]\?[^?\s]+\?=( =\?UTF-8\?[QB]\?[^?\s]+\?=)*$/);
  });

  it('encodes a run too long to fold', () => {
    const field = formatUnstructuredField('X-Token', 't'.repeat(2000)) ?? '';

    expect(field.startsWith('X-Token: =?UTF-8?Q?tttt')).toBe(true);
    expect(Math.max(...lineLengths(field))).toBeLessThanOrEqual(78);
    expect(Math.max(...unfold(field).slice('X-Token: '.length).split(' ').map((word) => word.length))).toBeLessThanOrEqual(75);
  });
});

describe('formatAddressField', () => {
  it('writes atoms bare and quotes specials', () => {
    const field = formatAddressField('To', [
      { email: 'ada@example.com', name: 'Ada Lovelace' },
      { email: 'bob@example.com', name: 'Bob "B" \\ Smith, Jr.' },
      { email: 'carol@example.com' },
    ]);

    expect(unfold(field)).toBe('To: Ada Lovelace <ada@example.com>, "Bob \\"B\\" \\\\ Smith, Jr." <bob@example.com>, carol@example.com');
  });

  it('encodes names that mailparser would change', () => {
    const field = formatAddressField('To', [
      { email: 'a@example.com', name: ' padded ' },
      { email: 'b@example.com', name: 'two  spaces' },
      { email: 'c@example.com', name: '=?UTF-8?Q?x?=' },
      { email: 'd@example.com', name: 'tab\there' },
    ]);

    expect(unfold(field)).toBe(
      'To: =?UTF-8?Q?_padded=20?= <a@example.com>, "two  spaces" <b@example.com>, ' +
        '=?UTF-8?Q?=3D=3FUTF-8=3FQ=3Fx=3F=3D?= <c@example.com>, =?UTF-8?Q?tab=09here?= <d@example.com>',
    );
  });

  it('leaves out a name of spaces only', () => {
    expect(formatAddressField('To', [{ email: 'a@example.com', name: '   ' }])).toBe('To: a@example.com');
  });

  it('writes IDN domains in A-labels and keeps a UTF-8 local part', () => {
    const field = formatAddressField('To', [{ email: 'user@bücher.example' }, { email: '用户@例子.example' }]);

    expect(field).toBe('To: user@xn--bcher-kva.example, 用户@xn--fsqu00a.example');
  });

  it('quotes a local part that is not a dot-atom', () => {
    expect(formatAddressField('To', [{ email: 'a..b@example.com' }])).toBe('To: "a..b"@example.com');
  });
});

describe('formatUserHeader', () => {
  it('wraps message ids of In-Reply-To in angle brackets', () => {
    expect(formatUserHeader('In-Reply-To', 'abc@example.com')).toEqual({ field: 'In-Reply-To: <abc@example.com>' });
  });

  it('writes a structured value as given', () => {
    expect(formatUserHeader('List-Id', '"Orders" <orders.example.com>')).toEqual({ field: 'List-Id: "Orders" <orders.example.com>' });
  });

  it('encodes an unstructured value with quotes as nodemailer does', () => {
    const result = formatUserHeader('X-Meta', '{"a":1}');

    expect('field' in result).toBe(true);
    expect('field' in result ? result.field : '').toMatch(/^X-Meta: =\?UTF-8\?/);
  });
});
