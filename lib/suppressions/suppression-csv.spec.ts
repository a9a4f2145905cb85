import { parseSuppressionCsv } from './suppression-csv.js';

describe('parseSuppressionCsv', () => {
  it('reads email and reason rows after a header', () => {
    const parsed = parseSuppressionCsv('email,reason\nAda@Example.com,Mailbox full\ngrace@example.com,\n');

    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      { row: 2, email: 'ada@example.com', reason: 'Mailbox full' },
      { row: 3, email: 'grace@example.com', reason: null },
    ]);
  });

  it('reads a file without a header', () => {
    const parsed = parseSuppressionCsv('ada@example.com,550 5.1.1 User unknown');

    expect(parsed.rows).toEqual([{ row: 1, email: 'ada@example.com', reason: '550 5.1.1 User unknown' }]);
  });

  it('accepts a header of one column and a row without reason', () => {
    const parsed = parseSuppressionCsv('Email\r\nada@example.com\r\n');

    expect(parsed.rows).toEqual([{ row: 2, email: 'ada@example.com', reason: null }]);
  });

  it('reads quoted reasons with commas, quotes and line breaks', () => {
    const parsed = parseSuppressionCsv('ada@example.com,"Full, try later"\ngrace@example.com, "He said ""no"""\nlin@example.com,"two\nlines"\nbob@example.com,x\n');

    expect(parsed.errors).toEqual([]);
    expect(parsed.rows.map((row) => row.reason)).toEqual(['Full, try later', 'He said "no"', 'two\nlines', 'x']);
    expect(parsed.rows.map((row) => row.row)).toEqual([1, 2, 3, 4]);
  });

  it('skips blank rows but counts them', () => {
    const parsed = parseSuppressionCsv('email,reason\n\nada@example.com,x\n  ,  \ngrace@example.com,y');

    expect(parsed.rows.map((row) => row.row)).toEqual([3, 5]);
    expect(parsed.errors).toEqual([]);
  });

  it('drops a byte order mark before the header', () => {
    const parsed = parseSuppressionCsv('\uFEFFemail,reason\nada@example.com,x');

    expect(parsed.rows).toEqual([{ row: 2, email: 'ada@example.com', reason: 'x' }]);
  });

  it('reports each bad row with its number', () => {
    const parsed = parseSuppressionCsv('email,reason\nnot-an-address,x\n,no email\nada@example.com,a,b\ngrace@example.com,ok');

    expect(parsed.rows).toEqual([{ row: 5, email: 'grace@example.com', reason: 'ok' }]);
    expect(parsed.errors.map((error) => error.row)).toEqual([2, 3, 4]);
    expect(parsed.errors[0].message).toBe('"not-an-address" is not a valid email address.');
    expect(parsed.errors[1].message).toBe('The email column is empty.');
    expect(parsed.errors[2].message).toContain('3 columns');
  });

  it('treats an email header only on the first row', () => {
    const parsed = parseSuppressionCsv('ada@example.com,x\nemail,reason');

    expect(parsed.rows).toHaveLength(1);
    expect(parsed.errors).toEqual([{ row: 2, message: '"email" is not a valid email address.' }]);
  });

  it('reports text after a closing quote and goes on', () => {
    const parsed = parseSuppressionCsv('ada@example.com,"full"later\ngrace@example.com,x');

    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0].row).toBe(1);
    expect(parsed.errors[0].message).toContain('closing double quote');
    expect(parsed.rows).toEqual([{ row: 2, email: 'grace@example.com', reason: 'x' }]);
  });

  it('stops at a quote that never closes', () => {
    const parsed = parseSuppressionCsv('ada@example.com,x\ngrace@example.com,"open\nlin@example.com,y');

    expect(parsed.rows).toEqual([{ row: 1, email: 'ada@example.com', reason: 'x' }]);
    expect(parsed.errors).toEqual([{ row: 2, message: 'A quoted field is not closed; the rest of the file was not read.' }]);
  });

  it('returns nothing for an empty file', () => {
    expect(parseSuppressionCsv('')).toEqual({ rows: [], errors: [] });
  });
});
