import { htmlToText } from './html-to-text.js';

describe('htmlToText', () => {
  it('keeps link targets', () => {
    expect(htmlToText('<p>See <a href="https://example.test/a?x=1&amp;y=2">the offer</a></p>')).toBe(
      'See the offer (https://example.test/a?x=1&y=2)',
    );
  });

  it('decodes numeric references', () => {
    expect(htmlToText('caf&#233; &#x2713; &unknown;')).toBe('café ✓ &unknown;');
  });

  it('drops comments and scripts', () => {
    expect(htmlToText('<!-- hidden --><script>alert(1)</script><div>shown</div>')).toBe('shown');
  });
});
