/**
 * SendGrid's unsubscribe substitution tags, such as `<%asm_group_unsubscribe_raw_url%>`. ScaiSend
 * has one unsubscribe page for the group and for all mail, so each becomes that page's URL.
 */
const ASM_URL_TAG = /<%\s*asm_(?:group_unsubscribe|global_unsubscribe|preferences)_raw_url\s*%>/g;

/** The link placeholder of a subscription footer: `<% %>` for the bare URL, `<% text %>` for a link. */
const FOOTER_PLACEHOLDER = /<%\s*([^%]*?)\s*%>/g;

/** Footer appended when subscription tracking is on and the request gives no `html`. */
export const DEFAULT_FOOTER_HTML = '<p style="font-size:12px;color:#666666">To stop receiving these emails, <% unsubscribe here %>.</p>';

/** Footer appended when subscription tracking is on and the request gives no `text`. */
export const DEFAULT_FOOTER_TEXT = 'To stop receiving these emails, unsubscribe here: <% %>';

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Replaces the ASM URL tags and, when given, the subscription `substitution_tag` with the
 * unsubscribe URL, HTML-escaped when `html` is true.
 */
export function replaceUnsubscribeTags(content: string, url: string, substitutionTag: string | null, html: boolean): string {
  const value = html ? escapeHtml(url) : url;
  const replaced = content.replace(ASM_URL_TAG, () => value);
  return substitutionTag ? replaced.split(substitutionTag).join(value) : replaced;
}

/** Renders an HTML footer: `<% %>` becomes the URL and `<% text %>` a link with that text. */
export function renderFooterHtml(template: string | null, url: string): string {
  const escapedUrl = escapeHtml(url);
  return replaceUnsubscribeTags(template ?? DEFAULT_FOOTER_HTML, url, null, true).replace(FOOTER_PLACEHOLDER, (_tag, label: string) =>
    label === '' ? escapedUrl : `<a href="${escapedUrl}">${label}</a>`,
  );
}

/** Renders a text footer: `<% %>` becomes the URL and `<% text %>` the text followed by the URL in brackets. */
export function renderFooterText(template: string | null, url: string): string {
  return replaceUnsubscribeTags(template ?? DEFAULT_FOOTER_TEXT, url, null, false).replace(FOOTER_PLACEHOLDER, (_tag, label: string) =>
    label === '' ? url : `${label} (${url})`,
  );
}
