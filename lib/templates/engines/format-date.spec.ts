import { formatDate, parseDate, parseOffset } from './format-date.js';

const NEW_YEAR = '2020-01-01T23:00:00.000Z';

describe('formatDate', () => {
  it('formats SendGrid documentation example in UTC', () => {
    expect(formatDate(NEW_YEAR, 'MMMM DD, YYYY h:mm:ss A')).toBe('January 01, 2020 11:00:00 PM');
  });

  it('applies a timezone offset', () => {
    expect(formatDate(NEW_YEAR, 'MMMM DD, YYYY h:mm:ss A', '-0800')).toBe('January 01, 2020 3:00:00 PM');
    expect(formatDate(NEW_YEAR, 'YYYY-MM-DD HH:mm Z', '+05:30')).toBe('2020-01-02 04:30 +05:30');
  });

  it.each([
    ['YYYY', '2020'],
    ['YY', '20'],
    ['MMMM', 'January'],
    ['MMM', 'Jan'],
    ['MM', '01'],
    ['M', '1'],
    ['DD', '01'],
    ['D', '1'],
    ['dddd', 'Wednesday'],
    ['ddd', 'Wed'],
    ['HH', '15'],
    ['H', '15'],
    ['hh', '03'],
    ['h', '3'],
    ['mm', '04'],
    ['m', '4'],
    ['ss', '05'],
    ['s', '5'],
    ['A', 'PM'],
    ['a', 'pm'],
    ['ZZ', '-0800'],
    ['Z', '-08:00'],
  ])('token %s', (token, expected) => {
    expect(formatDate('2020-01-01T23:04:05Z', token, '-0800')).toBe(expected);
  });

  it('writes midnight and noon in 12-hour tokens as 12', () => {
    expect(formatDate('2020-01-01T00:00:00Z', 'h A')).toBe('12 AM');
    expect(formatDate('2020-01-01T12:00:00Z', 'hh a')).toBe('12 pm');
  });

  it('copies bracketed text', () => {
    expect(formatDate(NEW_YEAR, '[Due] D MMM [at] HH:mm')).toBe('Due 1 Jan at 23:00');
  });

  it('uses ISO 8601 without a format', () => {
    expect(formatDate(NEW_YEAR)).toBe('2020-01-01T23:00:00+00:00');
  });

  it('returns an empty string for values that are not dates', () => {
    expect(formatDate('next tuesday', 'YYYY')).toBe('');
    expect(formatDate(undefined, 'YYYY')).toBe('');
    expect(formatDate({}, 'YYYY')).toBe('');
  });
});

describe('parseDate', () => {
  it('reads Unix seconds and milliseconds', () => {
    expect(parseDate(1577919600)).toBe(Date.parse(NEW_YEAR));
    expect(parseDate(1577919600000)).toBe(Date.parse(NEW_YEAR));
    expect(parseDate('1577919600')).toBe(Date.parse(NEW_YEAR));
  });

  it('reads ISO 8601 without an offset as UTC', () => {
    expect(parseDate('2020-01-01T23:00:00')).toBe(Date.parse(NEW_YEAR));
    expect(parseDate('2020-01-01')).toBe(Date.parse('2020-01-01T00:00:00Z'));
    expect(parseDate('2020-01-02T07:00:00+0800')).toBe(Date.parse(NEW_YEAR));
  });

  it('rejects other strings', () => {
    expect(parseDate('01/02/2020')).toBeNull();
    expect(parseDate('2020-13-45T99:00:00Z')).toBeNull();
  });
});

describe('parseOffset', () => {
  it('reads both offset forms', () => {
    expect(parseOffset('-0800')).toBe(-480);
    expect(parseOffset('+05:30')).toBe(330);
  });

  it('treats anything else as UTC', () => {
    expect(parseOffset('PST')).toBe(0);
    expect(parseOffset(undefined)).toBe(0);
  });
});
