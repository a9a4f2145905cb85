const LINE_BREAK_TAG =
  /<\/?(p|div|h[1-6]|li|tr|table|ul|ol|blockquote|pre|section|article|header|footer)\b[^>]*>|<(br|hr)\b[^>]*>/gi;

const NAMED_ENTITIES = new Map<string, string>([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', ' '],
  ['copy', '\u00a9'],
  ['reg', '\u00ae'],
  ['hellip', '\u2026'],
  ['mdash', '\u2014'],
  ['ndash', '\u2013'],
]);

/**
 * Derives a plain-text body from HTML: drops head, style, script and comments, breaks lines at
 * block elements, keeps link targets in brackets and decodes character references.
 */
export function htmlToText(html: string): string {
  const withoutHidden = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1\s*>/gi, '');

  const text = withoutHidden
    .replace(/\s+/g, ' ')
    .replace(/<a\b[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>(.*?)<\/a\s*>/gi, (_match, _quote, href: string, label: string) =>
      linkText(href, label),
    )
    .replace(LINE_BREAK_TAG, '\n')
    .replace(/<[^>]*>/g, '');

  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function linkText(href: string, label: string): string {
  const labelText = label.replace(/<[^>]*>/g, '').trim();
  if (!labelText || labelText === href || href.startsWith('#')) return labelText || href;
  return `${labelText} (${href})`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] !== '#') return NAMED_ENTITIES.get(entity) ?? match;

    const codePoint = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
    return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}
