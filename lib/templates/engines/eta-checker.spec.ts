import { checkEtaBody, EtaCheckError } from './eta-checker.js';

describe('checkEtaBody', () => {
  it.each([
    "__eta.res+='Hi ';\n__eta.res+=__eta.e(__eta.f(it.name));",
    'if (it.a && !it.b || (it.c ?? it.d)) { __eta.res += `${it.a} and ${it.b}` } else if (typeof it.x === "string") {}',
    'for (const item of it.items) { if (item.skip) continue; __eta.res += item.label; if (item.last) break }',
    'for (let i = 0, n = length(it.items); i < n; i += 2) { __eta.res += it.items[i] + it.items[n - i - 1] }',
    'let total = 0; for (const line of it.lines) { total += number(line.price) * 2; total++ } __eta.res += total.toFixed',
    "const label = it.user['first-name'] + ' ' + it.user?.last; __eta.res += label.length > 3 ? upper(label) : lower(label)",
    'const list = [1, 2, 3]; for (const n of list) { __eta.res += formatDate(it.when, "YYYY", "-0800") + n }',
    '__eta.res += it.items[-1] + it.items[it.index - 0] + it.items[+it.index] + it.items[number(it.index)] + NaN + Infinity + undefined',
    "{ const shadow = 1; } { const shadow = 'x'; __eta.res += shadow }",
  ])('accepts %s', (body) => {
    expect(() => checkEtaBody(body)).not.toThrow();
  });

  it('quotes the rejected code', () => {
    expect(() => checkEtaBody('__eta.res += it.a + process.env.HOME')).toThrow('"process" is not defined; templates read data from it and may call formatDate, length, number, lower, upper, trim (in `process`)');
  });

  it('shortens long quotes', () => {
    expect(() => checkEtaBody(`while (it.a) { __eta.res += ${'1 + '.repeat(30)}1 }`)).toThrow(/\(in `while \(it\.a\) \{ __eta\.res \+= (1 \+ ){8}…`\)$/);
  });

  it('resolves the innermost declaration', () => {
    expect(() => checkEtaBody("for (let i = 0; i < 2; i++) { const i = 'constructor'; __eta.res += it[i] }")).toThrow(EtaCheckError);
  });

  it('forgets a declaration after its block', () => {
    expect(() => checkEtaBody('{ const inner = 1 } __eta.res += inner')).toThrow('"inner" is not defined');
  });

  it('reports syntax errors without positions', () => {
    expect(() => checkEtaBody('__eta.res += (')).toThrow(/^syntax error: Unexpected token$/);
  });
});
