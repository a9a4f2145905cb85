import { HandlebarsEngine } from './handlebars-engine.js';
import { TemplateRenderError, TemplateSource } from './template-parts.js';

let sequence = 0;

function source(html: string, parts: Partial<TemplateSource> = {}): TemplateSource {
  sequence += 1;
  return { cacheKey: `test-${sequence}`, subject: '', preheader: '', html, text: '', ...parts };
}

describe('HandlebarsEngine', () => {
  const engine = new HandlebarsEngine();
  const html = (template: string, data: Record<string, unknown> = {}): string => engine.render(source(template), data).html;

  it('escapes the HTML part but not the subject or text', () => {
    const rendered = engine.render(source('<p>{{name}}</p>', { subject: 'Hi {{name}}', text: 'Hi {{name}}' }), { name: 'Ben & <Jerry>' });
    expect(rendered.html).toBe('<p>Ben &amp; &lt;Jerry&gt;</p>');
    expect(rendered.subject).toBe('Hi Ben & <Jerry>');
    expect(rendered.text).toBe('Hi Ben & <Jerry>');
  });

  it('escapes the preheader', () => {
    expect(engine.render(source('', { preheader: 'For {{name}}' }), { name: '<b>' }).preheader).toBe('For &lt;b&gt;');
  });

  describe('SendGrid helpers', () => {
    it.each([
      ['{{#equals a b}}yes{{else}}no{{/equals}}', { a: 3, b: '3' }, 'yes'],
      ['{{#equals a b}}yes{{else}}no{{/equals}}', { a: 1, b: 2 }, 'no'],
      ['{{#notEquals a b}}yes{{else}}no{{/notEquals}}', { a: 1, b: 2 }, 'yes'],
      ['{{#notEquals a b}}yes{{else}}no{{/notEquals}}', { a: '7', b: 7 }, 'no'],
      ['{{#greaterThan a b}}yes{{else}}no{{/greaterThan}}', { a: 100, b: 78 }, 'yes'],
      ['{{#greaterThan a b}}yes{{else}}no{{/greaterThan}}', { a: 55, b: 78 }, 'no'],
      ['{{#lessThan a b}}yes{{else}}no{{/lessThan}}', { a: 55, b: 78 }, 'yes'],
      ['{{#lessThan a b}}yes{{/lessThan}}', { a: 100, b: 78 }, ''],
      ['{{#and a b c}}yes{{else}}no{{/and}}', { a: 'Pasta', b: 'Coffee', c: 1 }, 'yes'],
      ['{{#and a b}}yes{{else}}no{{/and}}', { a: 'Pasta', b: '' }, 'no'],
      ['{{#or a b c}}yes{{else}}no{{/or}}', { a: false, b: 0, c: 'x' }, 'yes'],
      ['{{#or a b}}yes{{else}}no{{/or}}', { a: false, b: [] }, 'no'],
      ['{{#greaterThan (length items) 0}}some{{else}}none{{/greaterThan}}', { items: ['raft'] }, 'some'],
      ['{{#greaterThan (length items) 0}}some{{else}}none{{/greaterThan}}', { items: [] }, 'none'],
      ['{{length name}} {{length missing}} {{length count}}', { name: 'Ada', count: 12 }, '3 0 0'],
      ['{{#if (equals a 1)}}one{{/if}}', { a: 1 }, 'one'],
      ['{{#equals a 1}}one{{else equals a 2}}two{{else}}many{{/equals}}', { a: 2 }, 'two'],
      ['Hello {{insert name "default=Customer"}}', {}, 'Hello Customer'],
      ['Hello {{insert name "default=Customer"}}', { name: 'Ben' }, 'Hello Ben'],
      ['About {{insert business "your business"}}', { business: '' }, 'About your business'],
      ['{{formatDate when "MMMM DD, YYYY h:mm:ss A"}}', { when: '2020-01-01T23:00:00.000Z' }, 'January 01, 2020 11:00:00 PM'],
      ['{{formatDate when format offset}}', { when: 1577919600, format: 'MM/DD/YYYY h A', offset: '-0800' }, '01/01/2020 3 PM'],
      ['{{#unless active}}off{{/unless}}', { active: false }, 'off'],
      ['{{#each items}}{{this}};{{/each}}', { items: ['a', 'b'] }, 'a;b;'],
      ['{{#with user}}{{name}} {{@root.phone}}{{/with}}', { user: { name: 'Ben' }, phone: '555' }, 'Ben 555'],
    ])('%s with %j', (template, data, expected) => {
      expect(html(template, data)).toBe(expected);
    });
  });

  describe('prototype access', () => {
    it.each([
      '{{constructor}}',
      '{{constructor.constructor}}',
      '{{constructor.name}}',
      '{{__proto__}}',
      '{{#with __proto__}}{{constructor}}{{/with}}',
      '{{#with constructor}}{{name}}{{/with}}',
      '{{lookup this "constructor"}}',
      '{{lookup (lookup this "constructor") "name"}}',
      '{{#each (lookup this "__proto__")}}{{@key}}{{/each}}',
      '{{user.__proto__.toString}}',
      '{{user.hasOwnProperty}}',
      '{{#each user.constructor}}{{@key}}{{/each}}',
    ])('%s renders nothing', (template) => {
      expect(html(template, { user: { name: 'Ben' }, name: 'Ben' })).toBe('');
    });

    it('fails to call a method reached through a prototype', () => {
      expect(() => html('{{name.constructor.fromCharCode 65}}', { name: 'Ben' })).toThrow('Missing helper');
    });
  });

  it('names the part with an unknown helper', () => {
    expect(() => engine.render(source('', { subject: '{{shout name}}' }), { name: 'x' })).toThrow(TemplateRenderError);
    expect(() => engine.render(source('', { text: '{{shout name}}' }), { name: 'x' })).toThrow(/^text: Missing helper: "shout"/);
  });

  it('fails on partials, which templates cannot define', () => {
    expect(() => html('{{> header}}')).toThrow(/header/);
  });

  it('stops a render that exceeds the time limit', () => {
    const items = Array.from({ length: 200 }, (_, index) => index);
    const nested = '{{#each items}}{{#each @root.items}}{{#each @root.items}}{{#each @root.items}}.{{/each}}{{/each}}{{/each}}{{/each}}';
    const limited = new HandlebarsEngine({ timeoutMs: 50 });

    expect(() => limited.render(source(nested), { items })).toThrow('html: timed out after 50 ms');
  });

  it('rejects a part that does not compile when checked', () => {
    expect(() => engine.check({ subject: 'ok', preheader: '', html: '{{#if x}}open', text: '' })).toThrow(/^html: /);
    expect(() => engine.check({ subject: '{{', preheader: '', html: '', text: '' })).toThrow(/^subject: /);
  });

  it('renders a cached version with new data', () => {
    const template = source('Hi {{name}}');
    expect(engine.render(template, { name: 'Ada' }).html).toBe('Hi Ada');
    expect(engine.render(template, { name: 'Grace' }).html).toBe('Hi Grace');
  });
});
