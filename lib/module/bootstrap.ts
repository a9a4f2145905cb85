import type { INestApplication } from '@nestjs/common';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DEFAULT_BODY_LIMIT, isSendingRoute, SENDING_BODY_LIMIT } from '../common/sending-routes.js';

/** A request whose body parser kept the bytes it read. */
export type RequestWithRawBody = Request & { rawBody?: Buffer };

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Installs ScaiSend's body parsers on an Express-based Nest application. Call it right after
 * `NestFactory.create()` and before `listen()` or `init()`; Nest then skips its own parsers.
 *
 * - JSON bodies up to 20 MB on sending routes (`/v3/mail/send`, `/v3/mail/batch…`) and 1 MB
 *   elsewhere. An over-size body is rejected from its `Content-Length` before it is read.
 * - The raw bytes stay on `request.rawBody`.
 * - Malformed JSON and over-size bodies answer 400 and 413 in the API's error shape.
 */
export function configureScaiSendApp(app: INestApplication): void {
  const keepRawBody = (request: RequestWithRawBody, _response: Response, buffer: Buffer): void => {
    request.rawBody = buffer;
  };
  const sendingJson = express.json({ limit: SENDING_BODY_LIMIT, verify: keepRawBody });
  const otherJson = express.json({ limit: DEFAULT_BODY_LIMIT, verify: keepRawBody });
  const urlencoded = express.urlencoded({ extended: true, limit: DEFAULT_BODY_LIMIT, verify: keepRawBody });

  // Nest looks for middleware named jsonParser and urlencodedParser and skips its own parsers
  // when it finds them, so these names are part of the behaviour.
  const jsonParser: RequestHandler = (request, response, next) => {
    const parser = isSendingRoute(request.path) ? sendingJson : otherJson;
    parser(request, response, (error?: unknown) => handleParserError(error, request, response, next));
  };
  const urlencodedParser: RequestHandler = (request, response, next) => {
    urlencoded(request, response, (error?: unknown) => handleParserError(error, request, response, next));
  };

  app.use(jsonParser);
  app.use(urlencodedParser);
}

function handleParserError(error: unknown, request: Request, response: Response, next: NextFunction): void {
  if (!error) return next();

  const parserError = error as BodyParserError;
  const tooLarge = parserError.type === 'entity.too.large';
  const status = tooLarge ? 413 : (parserError.status ?? 400);
  const message = describeParserError(parserError, request);
  const body = isSendingRoute(request.path) ? { errors: [{ message, field: null, help: null }] } : { detail: message };
  response.status(status >= 400 && status < 500 ? status : 400).json(body);
}

function describeParserError(error: BodyParserError, request: Request): string {
  switch (error.type) {
    case 'entity.too.large':
      return `The request body is larger than the limit of ${isSendingRoute(request.path) ? '20 MB' : '1 MB'}.`;
    case 'entity.parse.failed':
      return `The request body is not valid JSON: ${error.message}`;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return `The request body's encoding is not supported: ${error.message}`;
    default:
      return `The request body could not be read: ${error.message}`;
  }
}
