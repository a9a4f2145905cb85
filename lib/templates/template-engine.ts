import Handlebars from 'handlebars';

/** The parts of a template version that are rendered. */
export interface TemplateSource {
  /** Identifies the compiled form in the cache; must change whenever the source changes. */
  cacheKey: string;
  subject: string;
  html: string;
  text: string;
}

export interface RenderedContent {
  subject: string;
  html: string;
  text: string;
}

/** Thrown when a template does not compile or does not render with the given data. */
export class TemplateRenderError extends Error {
  constructor(
    readonly part: 'subject' | 'html' | 'text',
    cause: unknown,
  ) {
    super(`${part}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TemplateRenderError';
  }
}

type Compiled = Record<'subject' | 'html' | 'text', HandlebarsTemplateDelegate>;

const CACHE_SIZE = 1000;

/**
 * Renders dynamic templates with Handlebars. The HTML part is HTML-escaped, the subject and the
 * text part are not, as in SendGrid. Compiled templates are cached by `cacheKey` (least recently
 * used first out), so rendering on the request path costs one function call per part.
 */
export class HandlebarsEngine {
  private readonly handlebars = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();

  render(source: TemplateSource, data: Record<string, unknown>): RenderedContent {
    const compiled = this.compile(source);
    return {
      subject: this.run(compiled, 'subject', data),
      html: this.run(compiled, 'html', data),
      text: this.run(compiled, 'text', data),
    };
  }

  /** Compiles each part, so a syntax error is found when a version is saved. */
  check(source: Omit<TemplateSource, 'cacheKey'>): void {
    for (const part of ['subject', 'html', 'text'] as const) {
      try {
        this.handlebars.precompile(source[part]);
      } catch (error) {
        throw new TemplateRenderError(part, error);
      }
    }
  }

  private compile(source: TemplateSource): Compiled {
    const cached = this.cache.get(source.cacheKey);
    if (cached) {
      this.cache.delete(source.cacheKey);
      this.cache.set(source.cacheKey, cached);
      return cached;
    }

    const options = { strict: false, preventIndent: true };
    const compiled: Compiled = {
      subject: this.handlebars.compile(source.subject, { ...options, noEscape: true }),
      html: this.handlebars.compile(source.html, options),
      text: this.handlebars.compile(source.text, { ...options, noEscape: true }),
    };
    this.cache.set(source.cacheKey, compiled);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return compiled;
  }

  private run(compiled: Compiled, part: keyof Compiled, data: Record<string, unknown>): string {
    try {
      return compiled[part](data);
    } catch (error) {
      throw new TemplateRenderError(part, error);
    }
  }
}
