/** The parts of a template version that an engine renders, in rendering order. */
export const TEMPLATE_PARTS = ['subject', 'preheader', 'html', 'text'] as const;

export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

/** Parts whose interpolated values are HTML-escaped. The subject and the text part are not, as in SendGrid. */
export const HTML_PARTS: ReadonlySet<TemplatePart> = new Set<TemplatePart>(['preheader', 'html']);

/** The source of each part of a version. */
export type TemplateParts = Record<TemplatePart, string>;

/** A version's parts and the key of their compiled form. */
export interface TemplateSource extends TemplateParts {
  /** Key of the compiled form in a cache (version id and update time), so it changes whenever a part changes. */
  cacheKey: string;
}

/** Thrown when a template part does not compile or does not render with the given data. */
export class TemplateRenderError extends Error {
  constructor(
    readonly part: TemplatePart,
    cause: unknown,
  ) {
    super(`${part}: ${errorMessage(cause)}`);
    this.name = 'TemplateRenderError';
  }
}

/** A template engine: checks sources when a version is saved and renders them with data. */
export interface TemplateEngine {
  /** Compiles every part, and throws {@link TemplateRenderError} naming the first part that does not compile. */
  check(parts: TemplateParts): void;
  /** Renders every part, and throws {@link TemplateRenderError} naming the part that failed. */
  render(source: TemplateSource, data: Record<string, unknown>): TemplateParts;
}

/**
 * Returns the message of an error. Errors thrown inside a `node:vm` context belong to another
 * realm, where `instanceof Error` is false, so the message is read by shape.
 */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
