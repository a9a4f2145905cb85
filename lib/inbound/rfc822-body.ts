import { HttpStatus } from '@nestjs/common';
import express from 'express';
import type { Request, Response } from 'express';
import { ApiException } from '../common/errors.js';
import { INBOUND_MAX_MESSAGE_BYTES } from './inbound-options.js';

const RFC822_MEDIA_TYPE = 'message/rfc822';

const rawParser = express.raw({ type: RFC822_MEDIA_TYPE, limit: INBOUND_MAX_MESSAGE_BYTES });

interface BodyParserError extends Error {
  status?: number;
  type?: string;
}

/**
 * Reads a `message/rfc822` request body as bytes inside the route. Neither ScaiSend's parsers
 * nor Nest's defaults read this type, so the body is still unread here and a host needs no
 * parser setup. A body that a host's own raw or text parser already read is used as it is.
 * Raises 415 for another content type, 413 above 10 MB and 400 for an empty body.
 */
export async function readRfc822Body(request: Request): Promise<Buffer> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== RFC822_MEDIA_TYPE) {
    throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `The body must be one whole email message as message/rfc822, not ${mediaType || 'a body without Content-Type'}.`);
  }

  const body = await readBody(request);
  if (body.toString('latin1').trim() === '') throw new ApiException(HttpStatus.BAD_REQUEST, 'The message body is empty. Send the whole bounce or complaint message.');
  return body;
}

async function readBody(request: Request): Promise<Buffer> {
  if (Buffer.isBuffer(request.body)) return request.body;
  if (typeof request.body === 'string') return Buffer.from(request.body, 'utf8');

  await new Promise<void>((resolve, reject) => {
    // body-parser uses the response only for a `verify` hook, which this parser does not set.
    rawParser(request, request.res as Response, (error?: unknown) => (error ? reject(toApiException(error as BodyParserError)) : resolve()));
  });
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function toApiException(error: BodyParserError): ApiException {
  if (error.type === 'entity.too.large') {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'The message is larger than the limit of 10 MB.');
  }
  const status = error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : HttpStatus.BAD_REQUEST;
  return new ApiException(status, `The message body could not be read: ${error.message}`);
}
