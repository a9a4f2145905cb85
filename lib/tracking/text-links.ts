/** An http(s) URL in plain text: it ends at whitespace, a quote or an angle bracket. */
const TEXT_URL = /\bhttps?:\/\/[^\s<>"]+/gi;

/** Punctuation that ends a sentence rather than a URL. */
const TRAILING_PUNCTUATION = /[.,;:!?'*]+$/;

/**
 * Replaces each http(s) URL of a plain-text body with `rewrite(url)`, or keeps it when that
 * returns null. Sentence punctuation after a URL, and a closing `)` or `]` that has no opening
 * one inside the URL, stay outside it, so `(see https://example.com/a).` keeps its brackets and dot.
 */
export function rewriteTextLinks(text: string, rewrite: (url: string) => string | null): string {
  return text.replace(TEXT_URL, (match) => {
    const url = trimUrl(match);
    const replacement = rewrite(url);
    return replacement === null ? match : replacement + match.slice(url.length);
  });
}

function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trimmed = url.replace(TRAILING_PUNCTUATION, '');
    const unbalanced = closesUnopened(trimmed, '(', ')') || closesUnopened(trimmed, '[', ']');
    const next = unbalanced ? trimmed.slice(0, -1) : trimmed;
    if (next === url) return url;
    url = next;
  }
}

function closesUnopened(url: string, open: string, close: string): boolean {
  return url.endsWith(close) && count(url, open) < count(url, close);
}

function count(value: string, character: string): number {
  return value.split(character).length - 1;
}
