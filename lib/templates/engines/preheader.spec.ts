import { insertPreheader } from './preheader.js';

const HIDDEN = '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">Sale ends today</div>';

describe('insertPreheader', () => {
  it('inserts after the body tag', () => {
    expect(insertPreheader('<html><body class="x"><p>Hi</p></body></html>', 'Sale ends today')).toBe(`<html><body class="x">${HIDDEN}<p>Hi</p></body></html>`);
  });

  it('prepends to HTML without a body tag', () => {
    expect(insertPreheader('<p>Hi</p>', 'Sale ends today')).toBe(`${HIDDEN}<p>Hi</p>`);
  });

  it('leaves HTML alone without a preheader', () => {
    expect(insertPreheader('<p>Hi</p>', '  ')).toBe('<p>Hi</p>');
  });

  it('adds no HTML part to a text-only version', () => {
    expect(insertPreheader('', 'Sale ends today')).toBe('');
  });
});
