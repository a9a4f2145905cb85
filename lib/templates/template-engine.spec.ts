import { TemplateRenderer, TemplateSource } from './template-engine.js';

function source(parts: Partial<TemplateSource>): TemplateSource {
  return { cacheKey: `renderer-${Math.random()}`, subject: '', preheader: '', html: '', text: '', ...parts };
}

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer();

  it('renders with the engine a version names', () => {
    const template = source({ html: '{{name}} <%= it.name %>' });
    expect(renderer.render('handlebars', template, { name: 'Ada' }).html).toBe('Ada <%= it.name %>');
    expect(renderer.render('eta', { ...template, cacheKey: `${template.cacheKey}-eta` }, { name: 'Ada' }).html).toBe('{{name}} Ada');
  });

  it('puts the rendered preheader into the HTML', () => {
    const rendered = renderer.render('handlebars', source({ preheader: 'For {{name}}', html: '<body><p>Hi</p></body>', text: 'Hi' }), { name: 'Ada' });
    expect(rendered.html).toBe('<body><div style="display:none;max-height:0;overflow:hidden;mso-hide:all">For Ada</div><p>Hi</p></body>');
    expect(rendered.text).toBe('Hi');
  });

  it('wraps the content of a send in a legacy version', () => {
    const rendered = renderer.render('legacy', source({ subject: '<%subject%>', html: '<div><%body%></div>', text: '<%body%>' }), {}, { subject: 'News', html: '<p>Body</p>' });
    expect(rendered).toEqual({ subject: 'News', html: '<div><p>Body</p></div>', text: 'Body' });
  });

  it('checks each engine by its own syntax', () => {
    const parts = { subject: '', preheader: '', html: '{{#if x}}open', text: '' };
    expect(() => renderer.check('handlebars', parts)).toThrow(/^html: /);
    expect(() => renderer.check('eta', parts)).not.toThrow();
    expect(() => renderer.check('eta', { ...parts, html: '<%= process %>' })).toThrow('"process" is not defined');
    expect(() => renderer.check('legacy', { ...parts, html: '<%= process %>' })).not.toThrow();
  });
});
