import { LegacyEngine } from './legacy-engine.js';

const PARTS = {
  subject: '[Acme] <%subject%>',
  preheader: '<%subject%>',
  html: '<h1><%subject%></h1><div><%body%></div>',
  text: '<%subject%>\n\n<%body%>',
};

describe('LegacyEngine', () => {
  const engine = new LegacyEngine();

  it('replaces the subject and body tags', () => {
    const rendered = engine.render(PARTS, { subject: 'Q&A', html: '<p>Hi</p>', text: 'Hi' });
    expect(rendered.subject).toBe('[Acme] Q&A');
    expect(rendered.preheader).toBe('Q&#38;A');
    expect(rendered.html).toBe('<h1>Q&#38;A</h1><div><p>Hi</p></div>');
    expect(rendered.text).toBe('Q&A\n\nHi');
  });

  it('derives the text body from the HTML content', () => {
    expect(engine.render(PARTS, { subject: 'S', html: '<p>Hello <b>you</b></p>' }).text).toBe('S\n\nHello you');
  });

  it('writes missing content as empty text', () => {
    expect(engine.render(PARTS, {})).toEqual({ subject: '[Acme] ', preheader: '', html: '<h1></h1><div></div>', text: '\n\n' });
  });

  it('keeps replacement patterns in values literal', () => {
    expect(engine.render(PARTS, { subject: '$& $1' }).subject).toBe('[Acme] $& $1');
  });

  it('leaves Handlebars and eta syntax alone', () => {
    expect(engine.render({ ...PARTS, html: '{{name}} <%= it.name %> <%body%>' }, { html: 'B' }).html).toBe('{{name}} <%= it.name %> B');
  });
});
