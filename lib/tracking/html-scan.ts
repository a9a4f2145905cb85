import { Parser, QuoteType } from 'htmlparser2';

/** Half-open range `[start, end)` of string indices in the scanned HTML. */
export interface SourceRange {
  start: number;
  end: number;
}

/** One attribute of a start tag as written in the source. */
export interface SourceAttribute {
  /** Lowercase name. */
  name: string;
  /** The value with character references decoded, as a browser reads it; empty for a repeated name, which browsers ignore. */
  value: string;
  /** From the first character of the name to the end of the value, closing quote included. */
  range: SourceRange;
  /** The value between its quotes, or the unquoted value; null for an attribute without a value. */
  valueRange: SourceRange | null;
  /** `"` or `'` for a quoted value, null for an unquoted value or none. */
  quote: '"' | "'" | null;
}

/** An `<a>` start tag with its attributes, in source order. */
export interface SourceAnchor {
  attributes: SourceAttribute[];
}

/** Links and content edges of a document, which tracking changes or inserts text at. */
export interface HtmlScan {
  anchors: SourceAnchor[];
  /** Index right after the first `<body>` start tag, else after `</head>`, else after `<html>`, else 0. */
  contentStart: number;
  /** Index of the last written `</body>`, else of the last `</html>`, else the document's length. */
  contentEnd: number;
}

interface PendingAttribute {
  nameStart: number;
  nameEnd: number;
}

/**
 * An htmlparser2 parser that also records where each attribute of the current start tag is
 * written, from the tokenizer's indices, so callers can change one value and keep every other
 * byte of the document.
 */
class PositionedParser extends Parser {
  attributes: Array<Omit<SourceAttribute, 'value'>> = [];
  private pending: PendingAttribute = { nameStart: 0, nameEnd: 0 };

  constructor(
    private readonly html: string,
    handler: ConstructorParameters<typeof Parser>[0],
  ) {
    super(handler, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  }

  override onopentagname(start: number, endIndex: number): void {
    this.attributes = [];
    super.onopentagname(start, endIndex);
  }

  override onattribname(start: number, endIndex: number): void {
    this.pending = { nameStart: start, nameEnd: endIndex };
    super.onattribname(start, endIndex);
  }

  override onattribend(quote: QuoteType, endIndex: number): void {
    const { nameStart, nameEnd } = this.pending;
    this.attributes.push({
      name: this.html.slice(nameStart, nameEnd).toLowerCase(),
      range: { start: nameStart, end: endIndex },
      valueRange: valueRangeOf(this.html, nameEnd, quote, endIndex),
      quote: quoteCharacterOf(quote),
    });
    super.onattribend(quote, endIndex);
  }
}

/** Scans an HTML document with htmlparser2 for its links and the edges of its content. */
export function scanHtml(html: string): HtmlScan {
  const anchors: SourceAnchor[] = [];
  let bodyStart: number | null = null;
  let headEnd: number | null = null;
  let htmlStart: number | null = null;
  let bodyClose: number | null = null;
  let htmlClose: number | null = null;

  const parser: PositionedParser = new PositionedParser(html, {
    onopentag(name, attribs, isImplied) {
      if (isImplied) return;

      const tagEnd = parser.endIndex + 1;
      if (name === 'a') anchors.push({ attributes: withValues(parser.attributes, attribs) });
      else if (name === 'body') bodyStart ??= tagEnd;
      else if (name === 'html') htmlStart ??= tagEnd;
    },
    onclosetag(name, isImplied) {
      if (isImplied) return;

      if (name === 'head') headEnd ??= parser.endIndex + 1;
      else if (name === 'body') bodyClose = parser.startIndex;
      else if (name === 'html') htmlClose = parser.startIndex;
    },
  });
  parser.write(html);
  parser.end();

  return {
    anchors,
    contentStart: bodyStart ?? headEnd ?? htmlStart ?? 0,
    contentEnd: bodyClose ?? htmlClose ?? html.length,
  };
}

/** Pairs each positioned attribute with its decoded value, which htmlparser2 keeps for the first of repeated names only. */
function withValues(attributes: Array<Omit<SourceAttribute, 'value'>>, decoded: Record<string, string>): SourceAttribute[] {
  const seen = new Set<string>();
  return attributes.map((attribute) => {
    const first = !seen.has(attribute.name);
    seen.add(attribute.name);
    return { ...attribute, value: first ? (decoded[attribute.name] ?? '') : '' };
  });
}

function quoteCharacterOf(quote: QuoteType): SourceAttribute['quote'] {
  if (quote === QuoteType.Double) return '"';
  if (quote === QuoteType.Single) return "'";
  return null;
}

/** Finds the value of an attribute whose name ends at `nameEnd` and which ends at `end`. */
function valueRangeOf(html: string, nameEnd: number, quote: QuoteType, end: number): SourceRange | null {
  if (quote === QuoteType.NoValue) return null;

  // Between the name and the value there is only optional whitespace, `=` and optional whitespace.
  let index = html.indexOf('=', nameEnd) + 1;
  while (index < end && /\s/.test(html[index] ?? '')) index++;

  return quote === QuoteType.Unquoted ? { start: index, end } : { start: index + 1, end: end - 1 };
}
