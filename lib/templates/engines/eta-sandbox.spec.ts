import { EtaSandbox } from './eta-sandbox.js';

/**
 * Runs a body in a sandbox without checking it first. The sandbox is the second line of defence,
 * so these tests show what code would reach if the check let it through.
 */
function run(body: string, data: Record<string, unknown> = {}): string {
  return new EtaSandbox({ subject: '', preheader: '', html: body, text: '' }, 100).render(data).html;
}

describe('EtaSandbox', () => {
  it('has no Node globals', () => {
    expect(run("__eta.res += [typeof process, typeof require, typeof Buffer, typeof setTimeout, typeof module].join(',')")).toBe(
      'undefined,undefined,undefined,undefined,undefined',
    );
  });

  it('does not expose the host bridge', () => {
    expect(run('__eta.res += typeof __call + typeof globalThis.__call')).toBe('undefinedundefined');
  });

  it('refuses code generation from strings', () => {
    expect(() => run("__eta.res += Function('return 1')()")).toThrow('Code generation from strings disallowed');
    expect(() => run("__eta.res += eval('1')")).toThrow('Code generation from strings disallowed');
  });

  it('keeps constructors of data inside the context', () => {
    expect(() => run("__eta.res += it.constructor.constructor('return process')()")).toThrow('Code generation from strings disallowed');
  });

  it('keeps the global object inside the context', () => {
    expect(() => run("__eta.res += globalThis.constructor.constructor('return process')()")).toThrow('Code generation from strings disallowed');
    expect(() => run("__eta.res += toString.constructor('return process')()")).toThrow('Code generation from strings disallowed');
  });

  it('keeps template functions inside the context', () => {
    expect(() => run("__eta.res += formatDate.constructor('return process')()")).toThrow('Code generation from strings disallowed');
    expect(run('__eta.res += formatDate.constructor === Function')).toBe('true');
  });

  it('parses data inside the context', () => {
    expect(run('__eta.res += (it.list instanceof Array) + "," + (Object.getPrototypeOf(it) === Object.prototype)', { list: [] })).toBe('true,true');
  });

  it('returns the output of each part', () => {
    const sandbox = new EtaSandbox({ subject: "__eta.res += 'S'", preheader: '', html: '__eta.res += __eta.e(it.x)', text: '__eta.res += it.x' }, 100);
    expect(sandbox.render({ x: '<' })).toEqual({ subject: 'S', preheader: '', html: '&lt;', text: '<' });
  });
});
