import { errorCode } from './smtp-replies.js';

/** No SMTP server could be reached for any recipient: refused, timed out or no resolvable host. */
export class SmtpConnectionError extends Error {
  /** Socket or resolver error code, such as `ECONNREFUSED`, `ETIMEDOUT` or `ESERVFAIL`. */
  code?: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SmtpConnectionError';
    this.code = options.code;
  }
}

/** Wraps `cause` in a {@link SmtpConnectionError} whose message starts with `context` and keeps the cause's code. */
export function connectionError(context: string, cause: unknown): SmtpConnectionError {
  if (cause instanceof SmtpConnectionError) return new SmtpConnectionError(`${context}: ${cause.message}`, { code: cause.code, cause });

  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SmtpConnectionError(`${context}: ${detail}`, { code: errorCode(cause), cause });
}
