import { htmlToText } from '../../common/html-to-text.js';
import type { TemplateParts } from './template-parts.js';

/** The subject and content of a send, which a legacy template wraps. */
export interface LegacyContent {
  subject?: string | null;
  html?: string | null;
  text?: string | null;
}

const SUBJECT_TAG = '<%subject%>';
const BODY_TAG = '<%body%>';

/**
 * Renders SendGrid's legacy templates, which have no template language. `<%subject%>` becomes the
 * send's subject and `<%body%>` its content. The HTML part gets the HTML content, and the text
 * part gets the text content, or the text derived from the HTML when the send has none. The
 * subject is HTML-escaped where it lands in the HTML part or the preheader.
 */
export class LegacyEngine {
  render(parts: TemplateParts, content: LegacyContent): TemplateParts {
    const subject = content.subject ?? '';
    const html = content.html ?? '';
    const text = content.text ?? htmlToText(html);

    return {
      subject: replaceTag(parts.subject, SUBJECT_TAG, subject),
      preheader: replaceTag(parts.preheader, SUBJECT_TAG, escapeHtml(subject)),
      html: replaceTag(replaceTag(parts.html, SUBJECT_TAG, escapeHtml(subject)), BODY_TAG, html),
      text: replaceTag(replaceTag(parts.text, SUBJECT_TAG, subject), BODY_TAG, text),
    };
  }
}

/** Replaces every occurrence of `tag`; a function replacement keeps `$&` and `$1` in values literal. */
function replaceTag(template: string, tag: string, value: string): string {
  return template.replaceAll(tag, () => value);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
