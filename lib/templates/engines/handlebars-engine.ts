import Handlebars, { type RuntimeOptions } from 'handlebars';
import { CompiledCache } from './compiled-cache.js';
import { registerSendGridHelpers } from './handlebars-helpers.js';
import { HTML_PARTS, TEMPLATE_PARTS, TemplateEngine, TemplatePart, TemplateParts, TemplateRenderError, TemplateSource } from './template-parts.js';
import { TimeLimit } from './time-limit.js';

type Compiled = Record<TemplatePart, HandlebarsTemplateDelegate>;

/** Compiled versions kept in memory. */
const CACHE_CAPACITY = 1000;

/**
 * Handlebars' default prototype-access protection, stated explicitly: with the defaults unset,
 * Handlebars also writes a console error for each denied property name.
 */
const RUNTIME_OPTIONS: RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

export interface HandlebarsEngineOptions {
  /**
   * Time limit of one render, in milliseconds.
   * @default 100
   */
  timeoutMs?: number;
}

/**
 * Renders dynamic templates with Handlebars and SendGrid's helpers, on an environment of its own
 * (`Handlebars.create()`), so helpers a host registers globally do not apply. Handlebars' default
 * prototype-access protection stays on: `{{constructor}}`, `{{__proto__}}` and `lookup` of them
 * render nothing.
 *
 * Templates cannot loop on their own, but nested `{{#each}}` blocks over the same array take time
 * that grows with the array size to the power of the nesting depth, so each render runs under a
 * time limit.
 */
export class HandlebarsEngine implements TemplateEngine {
  private readonly handlebars = Handlebars.create();
  private readonly cache = new CompiledCache<Compiled>(CACHE_CAPACITY);
  private readonly timeLimit: TimeLimit;

  constructor(options: HandlebarsEngineOptions = {}) {
    registerSendGridHelpers(this.handlebars);
    this.timeLimit = new TimeLimit(options.timeoutMs);
  }

  check(parts: TemplateParts): void {
    for (const part of TEMPLATE_PARTS) {
      try {
        this.handlebars.precompile(parts[part]);
      } catch (error) {
        throw new TemplateRenderError(part, error);
      }
    }
  }

  render(source: TemplateSource, data: Record<string, unknown>): TemplateParts {
    const compiled = this.cache.getOrCreate(source.cacheKey, () => this.compile(source));
    let current: TemplatePart = TEMPLATE_PARTS[0];
    try {
      return this.timeLimit.run(() => {
        const output = {} as TemplateParts;
        for (const part of TEMPLATE_PARTS) {
          current = part;
          output[part] = compiled[part](data, RUNTIME_OPTIONS);
        }
        return output;
      });
    } catch (error) {
      throw new TemplateRenderError(current, error);
    }
  }

  /** Compiles lazily: Handlebars parses a part on its first call, inside the time limit. */
  private compile(source: TemplateSource): Compiled {
    const compiled = {} as Compiled;
    for (const part of TEMPLATE_PARTS) {
      compiled[part] = this.handlebars.compile(source[part], { strict: false, preventIndent: true, noEscape: !HTML_PARTS.has(part) });
    }
    return compiled;
  }
}
