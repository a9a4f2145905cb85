import { EtaEngine } from './engines/eta-engine.js';
import { HandlebarsEngine } from './engines/handlebars-engine.js';
import { LegacyContent, LegacyEngine } from './engines/legacy-engine.js';
import { insertPreheader } from './engines/preheader.js';
import type { TemplateEngine, TemplateParts, TemplateSource } from './engines/template-parts.js';

export { TemplateRenderError } from './engines/template-parts.js';
export type { TemplateParts, TemplateSource } from './engines/template-parts.js';
export type { LegacyContent } from './engines/legacy-engine.js';

/** Engines a dynamic template version can choose. */
export const DYNAMIC_TEMPLATE_ENGINES = ['handlebars', 'eta'] as const;

export type DynamicTemplateEngine = (typeof DYNAMIC_TEMPLATE_ENGINES)[number];

/** The engine of a stored version. Versions of legacy templates use `legacy`. */
export type TemplateEngineName = DynamicTemplateEngine | 'legacy';

/** A rendered version: the subject and the message parts, with the preheader inside the HTML. */
export interface RenderedContent {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateRendererOptions {
  /**
   * Time limit of one render, in milliseconds.
   * @default 100
   */
  timeoutMs?: number;
}

/**
 * Renders template versions with the engine each one names: Handlebars with SendGrid's helpers,
 * eta in a checked subset of JavaScript, or the tag substitution of legacy templates. Compiled
 * versions are cached by {@link TemplateSource.cacheKey}, so a render on the request path costs
 * one function call per part once a version has been compiled.
 */
export class TemplateRenderer {
  private readonly engines: Record<DynamicTemplateEngine, TemplateEngine>;
  private readonly legacy = new LegacyEngine();

  constructor(options: TemplateRendererOptions = {}) {
    this.engines = { handlebars: new HandlebarsEngine(options), eta: new EtaEngine(options) };
  }

  /** Compiles every part, so a syntax error or a rejected construct is found when a version is saved. */
  check(engine: TemplateEngineName, parts: TemplateParts): void {
    if (engine === 'legacy') return;
    this.engines[engine].check(parts);
  }

  /**
   * Renders a version with the data of a personalization, or a legacy version around
   * `legacyContent`. Throws {@link TemplateRenderError} naming the part that failed.
   */
  render(engine: TemplateEngineName, source: TemplateSource, data: Record<string, unknown>, legacyContent: LegacyContent = {}): RenderedContent {
    const parts = engine === 'legacy' ? this.legacy.render(source, legacyContent) : this.engines[engine].render(source, data);
    return { subject: parts.subject, html: insertPreheader(parts.html, parts.preheader), text: parts.text };
  }
}
