import { callEtaFunction, ETA_FUNCTION_NAMES } from './eta-functions.js';

describe('callEtaFunction', () => {
  it('calls each function by name', () => {
    expect(callEtaFunction('formatDate', ['2020-01-01T23:00:00Z', 'D MMM YYYY'])).toBe('1 Jan 2020');
    expect(callEtaFunction('length', [['a', 'b']])).toBe(2);
    expect(callEtaFunction('number', [' 4.5 '])).toBe(4.5);
    expect(callEtaFunction('lower', ['ADA'])).toBe('ada');
    expect(callEtaFunction('upper', ['ada'])).toBe('ADA');
    expect(callEtaFunction('trim', ['  ada '])).toBe('ada');
  });

  it('writes missing values as empty text', () => {
    expect(callEtaFunction('upper', [undefined])).toBe('');
    expect(callEtaFunction('trim', [null])).toBe('');
  });

  it('returns NaN for values that are not numbers', () => {
    expect(callEtaFunction('number', [''])).toBeNaN();
    expect(callEtaFunction('number', [{}])).toBeNaN();
  });

  it('ignores names that are not template functions', () => {
    expect(callEtaFunction('constructor', [])).toBe('');
    expect(callEtaFunction('toString', [])).toBe('');
  });

  it('lists every function', () => {
    expect(ETA_FUNCTION_NAMES).toEqual(['formatDate', 'length', 'number', 'lower', 'upper', 'trim']);
  });
});
