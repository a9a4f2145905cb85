import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import type { BodyError, FieldError } from './errors.js';
import { isSendingRoute } from './sending-routes.js';

type Detail = string | BodyError[];

/**
 * Writes every error of ScaiSend's routes in the API's shape: `{"errors": [...]}` on sending
 * routes and `{"detail": …}` elsewhere. Anything that is not an `HttpException` is logged and
 * becomes a 500 without internals.
 */
@Catch()
export class ScaiSendExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ScaiSendExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const { status, detail, errors, headers } = this.describe(exception, request);

    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    const body = isSendingRoute(request.path) ? { errors: errors ?? toFieldErrors(detail) } : { detail: detail ?? errors?.[0]?.message ?? '' };
    response.status(status).json(body);
  }

  private describe(exception: unknown, request: Request): { status: number; detail?: Detail; errors?: FieldError[]; headers: Record<string, string> } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const headers = status === HttpStatus.TOO_MANY_REQUESTS ? rateLimitHeaders(exception) : {};
      if (typeof body === 'string') return { status, detail: body, headers };

      const fields = body as { detail?: Detail; errors?: FieldError[]; message?: string | string[] };
      if (fields.errors) return { status, errors: fields.errors, headers };
      if (fields.detail !== undefined) return { status, detail: fields.detail, headers };
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : fields.message;
      return { status, detail: message ?? exception.message, headers };
    }

    const databaseStatus = statusOfDatabaseError(exception);
    if (databaseStatus) return { status: databaseStatus.status, detail: databaseStatus.detail, headers: {} };

    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`Unhandled error on ${request.method} ${request.path}: ${error.message}`, error.stack);
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, detail: 'Internal server error', headers: {} };
  }
}

/**
 * PostgreSQL errors (SQLSTATE) that only a malformed value or a lost race can cause, as 4xx:
 * a value the column cannot hold or a unique key that another request took first.
 */
const DATABASE_ERROR_STATUSES: Record<string, { status: number; detail: string }> = {
  '22001': { status: 400, detail: 'A value is longer than its field allows.' },
  '22003': { status: 400, detail: 'A number is out of range.' },
  '22021': { status: 400, detail: 'A value contains a character that cannot be stored, such as U+0000.' },
  '22P05': { status: 400, detail: 'A value contains a character that cannot be stored, such as U+0000.' },
  '23505': { status: 409, detail: 'The resource already exists.' },
};

function statusOfDatabaseError(exception: unknown): { status: number; detail: string } | undefined {
  if (!(exception instanceof QueryFailedError)) return undefined;
  const code = (exception.driverError as { code?: string } | undefined)?.code;
  return code ? DATABASE_ERROR_STATUSES[code] : undefined;
}

function toFieldErrors(detail: Detail | undefined): FieldError[] {
  if (Array.isArray(detail)) {
    return detail.map((error) => ({ message: error.msg, field: error.loc.slice(1).join('.') || null, help: null }));
  }
  return [{ message: detail ?? 'Request failed', field: null, help: null }];
}

function rateLimitHeaders(exception: HttpException): Record<string, string> {
  const cause = exception.cause as { headers?: Record<string, string> } | undefined;
  return cause?.headers ?? {};
}
