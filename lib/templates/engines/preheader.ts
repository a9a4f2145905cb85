const BODY_START = /<body\b[^>]*>/i;

/**
 * Inserts a rendered preheader, the preview text mail clients show after the subject, as hidden
 * text at the start of the HTML body (after `<body>` when the HTML has one). An empty preheader
 * or an empty HTML part leaves the HTML unchanged, so a text-only version stays text-only.
 */
export function insertPreheader(html: string, preheader: string): string {
  if (preheader.trim() === '' || html === '') return html;

  const hidden = `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${preheader}</div>`;
  const body = BODY_START.exec(html);
  if (!body) return `${hidden}${html}`;

  const end = body.index + body[0].length;
  return `${html.slice(0, end)}${hidden}${html.slice(end)}`;
}
