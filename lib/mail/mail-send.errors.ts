import type { FieldError } from './mail-send.types.js';

/**
 * Upper bound on reported errors. A 20 MB body of bad addresses could otherwise produce
 * about a million errors, and the response would be larger than the request.
 */
export const MAX_REPORTED_ERRORS = 1000;

/** Collects the validation errors of one request, up to {@link MAX_REPORTED_ERRORS}. */
export class FieldErrorList {
  private readonly items: FieldError[] = [];
  private truncated = false;

  /** Adds an error on `field` (a dotted path, or null for the whole body). */
  add(field: string | null, message: string): void {
    if (this.items.length < MAX_REPORTED_ERRORS) {
      this.items.push({ message, field, help: null });
      return;
    }

    this.truncated = true;
  }

  /** Whether no error was added. */
  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Returns the errors in the order they were found, with a closing note when some were dropped. */
  toArray(): FieldError[] {
    if (!this.truncated) {
      return [...this.items];
    }

    const note = `The request has more than ${MAX_REPORTED_ERRORS} errors. Only the first ${MAX_REPORTED_ERRORS} are listed.`;
    return [...this.items, { message: note, field: null, help: null }];
  }
}
