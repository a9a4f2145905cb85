import { EtaEngine } from './eta-engine.js';
import { MAX_PART_LENGTH } from './eta-sandbox.js';
import { TemplateRenderError, TemplateSource } from './template-parts.js';

let sequence = 0;

function source(html: string, parts: Partial<TemplateSource> = {}): TemplateSource {
  sequence += 1;
  return { cacheKey: `eta-${sequence}`, subject: '', preheader: '', html, text: '', ...parts };
}

/** Templates that try to leave the template language, with the reason each is rejected for. */
const ESCAPE_ATTEMPTS: Array<[string, string | RegExp]> = [
  ['<%= process.env %>', '"process" is not defined'],
  ["<%= it.constructor.constructor('return process')() %>", 'the property "constructor" is not allowed'],
  ['<%= this %>', '"this" is not allowed'],
  ['<%= globalThis %>', '"globalThis" is not defined'],
  ["<%= import('fs') %>", 'import() is not allowed'],
  ["<%= require('fs') %>", '"require" is not defined'],
  ["<%= Function('return 1')() %>", '"Function" is not defined'],
  ["<%= it['const'+'ructor'] %>", 'a computed property must be a string literal or a number'],
  ['<%= [].map.constructor %>', 'the property "constructor" is not allowed'],
  ['<% while(true){} %>', 'while loops are not allowed'],
  ['<%= (()=>1)() %>', 'arrow functions are not allowed'],
  ["<%= eval('1') %>", '"eval" is not defined'],
  ['<%= it.__proto__ %>', 'the property "__proto__" is not allowed'],
  ['<%= Object.keys(it) %>', '"Object" is not defined'],
  ["<%~ include('x') %>", '"include" is not defined'],
  ["<% layout('x') %>", '"layout" is not defined'],
  ['<%= new Error() %>', '"new" is not allowed'],
  ['<%= arguments %>', '"arguments" is not defined'],
  ['<% for(;;){} %>', 'a for loop needs a condition'],
  ['<%= `${it.constructor}` %>', 'the property "constructor" is not allowed'],
  ['<%= upper`constructor` %>', 'tagged templates are not allowed'],
  ['<%= it.x.toString.call %>', 'the property "toString" is not allowed'],
  ["<%= it['__proto__'] %>", 'the property "__proto__" is not allowed'],
  ['<%= it["\\x63onstructor"] %>', 'the property "constructor" is not allowed'],
  ['<%= it.\\u0063onstructor %>', 'the property "constructor" is not allowed'],
  ['<% const { constructor: c } = it %>', 'destructuring is not allowed'],
  ['<% let key = it.key %><%= it[key] %>', 'must start as a number'],
  ['<% const key = it.key %><%= it[key] %>', 'a computed property must be a string literal or a number'],
  ["<% for (const key of ['constructor']) { %><%= it[key] %><% } %>", 'a computed property must be a string literal or a number'],
  ["<% let index = 0; index = 'constructor' %>", 'can only be assigned a number'],
  ['<% for (let i = 0; i < 1; i += it.step) {} %>', 'can only be assigned a number'],
  ['<% __eta.res = it.secret %>', 'only let variables can be assigned'],
  ['<%= __eta.e.constructor %>', '"__eta" is internal to eta'],
  ['<%= formatDate.constructor %>', 'the function "formatDate" can only be called'],
  ['<%= it.items.map(upper) %>', 'only these functions can be called'],
  ['<%= [upper] %>', 'the function "upper" can only be called'],
  ['<%= it.name + String %>', '"String" is not defined'],
  ['<%= it.name.concat(it.name) %>', 'only these functions can be called'],
  ['<% var x = 1 %>', 'var is not allowed'],
  ['<% delete it.name %>', '"delete" is not allowed'],
  ['<% it.name = 1 %>', 'only let variables can be assigned'],
  ['<%= /a/.source %>', 'regular expression and BigInt literals are not allowed'],
  ['<%= 2n ** 100000n %>', 'regular expression and BigInt literals are not allowed'],
  ['<%= [...it.items] %>', 'spread syntax is not allowed'],
  ['<% try { it.x } catch (error) {} %>', 'try…catch is not allowed'],
  ['<%= async function () {} %>', 'functions are not allowed'],
  ['<%= class {} %>', 'classes are not allowed'],
  ['<% loop: for (const x of it.items) { break loop } %>', 'labels are not allowed'],
  ['<% with (it) {} %>', 'syntax error'],
  ['<% debugger %>', 'DebuggerStatement is not allowed'],
  ['<%= __call %>', '"__call" is not defined'],
  ['<% const __eta = {} %>', 'object literals are not allowed'],
  ['<% const __part = 1 %>', 'the name "__part" is reserved'],
  ['<% const it = 1 %>', 'the name "it" is reserved'],
  ['<% } function leak() { %>', 'syntax error'],
  ['<%= it.a?.constructor %>', 'the property "constructor" is not allowed'],
  ['<%= it.user.__lookupGetter__ %>', 'the property "__lookupGetter__" is not allowed'],
  ['<%= constructor %>', '"constructor" is not defined'],
  ['<%= {}.constructor %>', /object literals are not allowed|syntax error/],
];

describe('EtaEngine', () => {
  const engine = new EtaEngine();
  const html = (template: string, data: Record<string, unknown> = {}): string => engine.render(source(template), data).html;

  describe('escape attempts', () => {
    it('covers at least 25 attempts', () => {
      expect(ESCAPE_ATTEMPTS.length).toBeGreaterThanOrEqual(25);
    });

    it.each(ESCAPE_ATTEMPTS)('%s is rejected when saved', (template, reason) => {
      const parts = { subject: '', preheader: '', html: template, text: '' };

      expect(() => engine.check(parts)).toThrow(TemplateRenderError);
      expect(() => engine.check(parts)).toThrow(reason);
      expect(() => engine.render(source(template), { name: 'x', items: [] })).toThrow(reason);
    });

    it('names the part that is rejected', () => {
      expect(() => engine.check({ subject: '<%= process %>', preheader: '', html: '', text: '' })).toThrow(/^subject: /);
      expect(() => engine.check({ subject: '', preheader: '', html: '', text: '<%= this %>' })).toThrow(/^text: /);
    });

    it('rejects an unclosed tag', () => {
      expect(() => engine.check({ subject: '', preheader: '', html: '<%= it.name', text: '' })).toThrow(/^html: unclosed tag/);
    });
  });

  describe('limits', () => {
    it('stops a loop at the time limit', () => {
      const limited = new EtaEngine({ timeoutMs: 50 });
      const template = source('<% for (let i = 0; i < 1e12; i++) {} %>');

      expect(() => limited.check(template)).not.toThrow();
      expect(() => limited.render(template, {})).toThrow('html: timed out after 50 ms');
    });

    it('names the part that timed out', () => {
      const limited = new EtaEngine({ timeoutMs: 50 });
      expect(() => limited.render(source('', { text: '<% for (let i = 0; i >= 0; i++) {} %>' }), {})).toThrow(/^text: timed out/);
    });

    it('stops output beyond the maximum length', () => {
      const patient = new EtaEngine({ timeoutMs: 10_000 });
      const template = source(`<% for (let i = 0; i < 1e9; i++) { %>${'x'.repeat(100_000)}<% } %>`);

      expect(() => patient.render(template, {})).toThrow(`longer than ${MAX_PART_LENGTH} characters`);
    });

    it('renders again after a timeout', () => {
      const limited = new EtaEngine({ timeoutMs: 50 });
      const template = source('<% if (it.spin) { for (let i = 0; i < 1e12; i++) {} } %>done');

      expect(() => limited.render(template, { spin: true })).toThrow('timed out');
      expect(limited.render(template, { spin: false }).html).toBe('done');
    });
  });

  describe('rendering', () => {
    it('escapes interpolated HTML in the HTML part', () => {
      expect(html('<p><%= it.name %></p>', { name: '<b>Ben & "Jerry"</b>' })).toBe('<p>&lt;b&gt;Ben &amp; &quot;Jerry&quot;&lt;/b&gt;</p>');
    });

    it('writes raw output with <%~ %>', () => {
      expect(html('<%~ it.banner %>', { banner: '<b>Sale</b>' })).toBe('<b>Sale</b>');
    });

    it('does not escape the subject or the text part', () => {
      const rendered = engine.render(source('', { subject: 'Hi <%= it.name %>', text: 'Hi <%= it.name %>', preheader: 'For <%= it.name %>' }), { name: 'A&B' });
      expect(rendered.subject).toBe('Hi A&B');
      expect(rendered.text).toBe('Hi A&B');
      expect(rendered.preheader).toBe('For A&amp;B');
    });

    it('renders if and else', () => {
      const template = '<% if (it.vip) { %>VIP<% } else if (it.score > 10) { %>high<% } else { %>low<% } %>';
      expect(html(template, { vip: true })).toBe('VIP');
      expect(html(template, { score: 11 })).toBe('high');
      expect(html(template, { score: 1 })).toBe('low');
    });

    it('loops with for…of over an array', () => {
      expect(html('<% for (const item of it.items) { %>[<%= item.name %>]<% } %>', { items: [{ name: 'a' }, { name: 'b' }] })).toBe('[a][b]');
    });

    it('loops with an index', () => {
      const template = '<% for (let i = 0; i < length(it.items); i++) { %><%= i + 1 %>.<%= it.items[i] %> <% } %><%= it.items[length(it.items) - 1] %>';
      expect(html(template, { items: ['x', 'y'] })).toBe('1.x 2.y y');
    });

    it('reads nested paths and string keys', () => {
      expect(html("<%= it.user.profile.first %> <%= it.user['last-name'] %>", { user: { profile: { first: 'Ada' }, 'last-name': 'Lovelace' } })).toBe('Ada Lovelace');
    });

    it('sums numbers in a let variable', () => {
      const template = '<% let total = 0 %><% for (const line of it.lines) { total += number(line.price) } %><%= total %>';
      expect(html(template, { lines: [{ price: '2.5' }, { price: 4 }] })).toBe('6.5');
    });

    it('calls the template functions', () => {
      const template = '<%= formatDate(it.when, "D MMM YYYY h A", "-0800") %>|<%= upper(it.name) %>|<%= lower(it.name) %>|<%= trim(it.pad) %>|<%= length(it.name) %>';
      expect(html(template, { when: '2020-01-01T23:00:00Z', name: 'Ada', pad: '  x ' })).toBe('1 Jan 2020 3 PM|ADA|ada|x|3');
    });

    it('writes missing values as empty text', () => {
      expect(html('[<%= it.missing %>][<%~ it.none %>][<%= it.zero %>]', { none: null, zero: 0 })).toBe('[][][0]');
    });

    it('reports a runtime error with its part', () => {
      expect(() => html('<%= it.user.name %>', {})).toThrow(/^html: Cannot read properties of undefined/);
    });

    it('renders a cached version with new data', () => {
      const template = source('Hi <%= it.name %>');
      expect(engine.render(template, { name: 'Ada' }).html).toBe('Hi Ada');
      expect(engine.render(template, { name: 'Grace' }).html).toBe('Hi Grace');
    });

    it('reads a __proto__ key as data', () => {
      expect(html("<%= it.user['name'] %>", JSON.parse('{"user": {"name": "Ada", "__proto__": {"name": "Eve"}}}'))).toBe('Ada');
    });
  });
});
