import type { RenderedContent } from '../templates/template-engine.js';
import type { MailSendRequest, Personalization } from './mail-send.types.js';

export interface ComposedContent {
  subject: string | null;
  html: string | null;
  text: string | null;
}

/**
 * Builds the subject and parts of one message: the rendered template, else the request's
 * content. The personalization's legacy `substitutions` apply unless a dynamic template
 * rendered it, then the footer of `mail_settings.footer` when enabled.
 */
export function composeContent(
  request: MailSendRequest,
  personalization: Personalization,
  rendered: RenderedContent | null,
  dynamicTemplate = rendered !== null,
): ComposedContent {
  const subject = rendered?.subject || personalization.subject || request.subject || null;
  const base: ComposedContent = rendered
    ? { subject, html: rendered.html, text: rendered.text }
    : {
        subject,
        html: request.content?.find((part) => part.type === 'text/html')?.value ?? null,
        text: request.content?.find((part) => part.type === 'text/plain')?.value ?? null,
      };

  // SendGrid ignores substitutions for dynamic templates, whose data comes from dynamic_template_data.
  const substituted = dynamicTemplate ? base : substitute(base, personalization.substitutions ?? {});
  return addFooter(substituted, request.mail_settings?.footer);
}

/** Replaces every occurrence of each key (such as `-name-`) with its value, longest keys first. */
function substitute(content: ComposedContent, substitutions: Record<string, string>): ComposedContent {
  const keys = Object.keys(substitutions).filter((key) => key.length > 0).sort((a, b) => b.length - a.length);
  if (keys.length === 0) return content;

  const pattern = new RegExp(keys.map(escapeRegExp).join('|'), 'g');
  const apply = (value: string | null): string | null => (value === null ? null : value.replace(pattern, (key) => substitutions[key] ?? key));
  return { subject: apply(content.subject), html: apply(content.html), text: apply(content.text) };
}

function addFooter(content: ComposedContent, footer: { enable?: boolean; text?: string; html?: string } | undefined): ComposedContent {
  if (!footer?.enable) return content;

  let html = content.html;
  if (html !== null && footer.html) {
    // The footer goes inside the body element when there is one, else at the end.
    const bodyEnd = html.search(/<\/body\s*>/i);
    html = bodyEnd >= 0 ? `${html.slice(0, bodyEnd)}${footer.html}${html.slice(bodyEnd)}` : `${html}${footer.html}`;
  }
  const text = content.text !== null && footer.text ? `${content.text}\n\n${footer.text}` : content.text;
  return { ...content, html, text };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
