import { htmlToText } from '../common/html-to-text.js';
import type { EffectiveTrackingSettings } from './effective-settings.js';
import { scanHtml, SourceAnchor, SourceAttribute, SourceRange } from './html-scan.js';
import { escapeHtml, renderFooterHtml, renderFooterText, replaceUnsubscribeTags } from './subscription-content.js';
import { rewriteTextLinks } from './text-links.js';

/** The URLs of one recipient's copy of a message. */
export interface TrackingUrls {
  /** Prefix of every tracking URL (`{publicUrl}/t/`); links that start with it are never rewritten. */
  ownPrefix: string;
  openPixel: string;
  /** The unsubscribe page, or null when the message has neither subscription tracking nor an unsubscribe group. */
  unsubscribe: string | null;
  /** Returns the tracked URL that redirects to `destination`, the `linkIndex`-th tracked link. */
  click(destination: string, linkIndex: number): string;
}

/** A message body; null for a part the message does not have. */
export interface MessageBody {
  html: string | null;
  text: string | null;
}

/** Inline style of the open pixel, which keeps it from taking space or showing a border. */
const PIXEL_STYLE = 'height:1px !important;width:1px !important;border-width:0 !important;margin:0 !important;padding:0 !important';

const ABSOLUTE_HTTP_URL = /^https?:\/\//i;

/** One change of the HTML source: `[start, end)` becomes `text`. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies open, click and subscription tracking to a message body. A message with only HTML
 * gets a text part derived from the HTML before any tracking changes it, so that text links
 * are rewritten only when `click.enableText` is on.
 *
 * HTML is parsed with htmlparser2 and only the affected `href` values, `clicktracking`
 * attributes and insertion points are changed, so the rest of the document keeps its bytes.
 * Rewritten are the `href`s of `<a>` elements that are absolute http(s) URLs; `mailto:`,
 * `tel:`, fragments, relative URLs and links marked `clicktracking="off"` are kept. `<area>`
 * and other elements are never changed.
 */
export function applyTracking(body: MessageBody, settings: EffectiveTrackingSettings, urls: TrackingUrls): MessageBody {
  const unsubscribeUrl = urls.unsubscribe;
  const subscriptionTag = settings.subscription.substitutionTag;
  const html = body.html !== null && unsubscribeUrl ? replaceUnsubscribeTags(body.html, unsubscribeUrl, subscriptionTag, true) : body.html;
  const counter = { next: 0 };

  const trackedHtml = html === null ? null : trackHtml(html, settings, urls, counter);
  const text = body.text ?? (html === null ? null : htmlToText(html));
  return { html: trackedHtml, text: text === null ? null : trackText(text, settings, urls, counter) };
}

function trackHtml(html: string, settings: EffectiveTrackingSettings, urls: TrackingUrls, counter: { next: number }): string {
  const scan = scanHtml(html);
  const splices = scan.anchors.flatMap((anchor) => anchorSplices(html, anchor, settings, urls, counter));

  const pixelTag = settings.open.substitutionTag;
  const pixel = settings.open.enable ? openPixel(urls.openPixel) : null;
  const pixelTagPresent = pixelTag !== null && html.includes(pixelTag);
  if (pixel && !pixelTagPresent) splices.push({ start: scan.contentStart, end: scan.contentStart, text: pixel });

  if (settings.subscription.enable && urls.unsubscribe && settings.subscription.substitutionTag === null) {
    splices.push({ start: scan.contentEnd, end: scan.contentEnd, text: renderFooterHtml(settings.subscription.html, urls.unsubscribe) });
  }

  const spliced = applySplices(html, splices);
  return pixelTag !== null && pixelTagPresent ? replaceFirstAndRemoveRest(spliced, pixelTag, pixel ?? '') : spliced;
}

function trackText(text: string, settings: EffectiveTrackingSettings, urls: TrackingUrls, counter: { next: number }): string {
  const unsubscribeUrl = urls.unsubscribe;
  const subscriptionTag = settings.subscription.substitutionTag;
  let tracked = text;

  if (settings.click.enable && settings.click.enableText) {
    tracked = rewriteTextLinks(tracked, (url) => (url.startsWith(urls.ownPrefix) ? null : urls.click(url, counter.next++)));
  }
  if (unsubscribeUrl) tracked = replaceUnsubscribeTags(tracked, unsubscribeUrl, subscriptionTag, false);
  if (settings.subscription.enable && unsubscribeUrl && subscriptionTag === null) {
    tracked = `${tracked}\n\n${renderFooterText(settings.subscription.text, unsubscribeUrl)}`;
  }
  return tracked;
}

/** Returns the changes of one `<a>`: its `href` rewritten and its `clicktracking` attributes removed. */
function anchorSplices(html: string, anchor: SourceAnchor, settings: EffectiveTrackingSettings, urls: TrackingUrls, counter: { next: number }): Splice[] {
  const splices: Splice[] = [];
  let trackClicks = settings.click.enable;

  for (const attribute of anchor.attributes) {
    if (attribute.name !== 'clicktracking') continue;
    if (attribute.value.trim().toLowerCase() === 'off') trackClicks = false;
    splices.push(removal(html, attribute));
  }

  const href = anchor.attributes.find((attribute) => attribute.name === 'href');
  const original = href?.value.trim() ?? '';
  if (!href?.valueRange || !isTrackableUrl(original) || original.startsWith(urls.ownPrefix)) return splices;

  const destination = settings.ganalytics.enable ? addGanalytics(original, settings.ganalytics.parameters) : original;
  const replacement = trackClicks ? urls.click(destination, counter.next++) : destination;
  if (replacement !== original) splices.push(valueReplacement(href.valueRange, href.quote, replacement));
  return splices;
}

/** Removes an attribute with the whitespace in front of it. */
function removal(html: string, attribute: SourceAttribute): Splice {
  let start = attribute.range.start;
  while (start > 0 && /\s/.test(html[start - 1] ?? '')) start--;
  return { start, end: attribute.range.end, text: '' };
}

/** Writes a new value with the attribute's own quotes; an unquoted value gets double quotes. */
function valueReplacement(range: SourceRange, quote: SourceAttribute['quote'], value: string): Splice {
  const escaped = escapeHtml(value);
  return { start: range.start, end: range.end, text: quote === null ? `"${escaped}"` : escaped };
}

function isTrackableUrl(value: string): boolean {
  return ABSOLUTE_HTTP_URL.test(value) && URL.canParse(value);
}

function openPixel(url: string): string {
  return `<img src="${escapeHtml(url)}" width="1" height="1" alt="" style="${PIXEL_STYLE}">`;
}

/** Appends the Google Analytics parameters that the URL's query does not have yet, before its fragment. */
export function addGanalytics(url: string, parameters: Array<[string, string]>): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const existing = new URLSearchParams(queryAt === -1 ? '' : beforeHash.slice(queryAt + 1));

  const added = parameters.filter(([name]) => !existing.has(name)).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  if (added.length === 0) return url;

  const separator = queryAt === -1 ? '?' : beforeHash.endsWith('?') || beforeHash.endsWith('&') ? '' : '&';
  return `${beforeHash}${separator}${added.join('&')}${hash}`;
}

/** Applies non-overlapping splices; insertions at the same index keep their order. */
function applySplices(source: string, splices: Splice[]): string {
  const ordered = splices.map((splice, order) => ({ ...splice, order })).sort((a, b) => a.start - b.start || a.order - b.order);
  let result = '';
  let cursor = 0;
  for (const splice of ordered) {
    result += source.slice(cursor, splice.start) + splice.text;
    cursor = splice.end;
  }
  return result + source.slice(cursor);
}

function replaceFirstAndRemoveRest(source: string, tag: string, replacement: string): string {
  const [first, ...rest] = source.split(tag);
  return rest.length === 0 ? source : `${first}${replacement}${rest.join('')}`;
}
