import { HttpStatus } from '@nestjs/common';
import express from 'express';
import type { Request, Response } from 'express';
import { ApiException } from '../common/errors.js';

/** Largest CSV body accepted by an import, in bytes (5 MB). */
export const CSV_BODY_LIMIT = 5 * 1024 * 1024;

const CSV_MEDIA_TYPES = ['text/csv', 'application/csv'];

const csvParser = express.text({ type: CSV_MEDIA_TYPES, limit: CSV_BODY_LIMIT });

interface BodyParserError extends Error {
  status?: number;
  type?: string;
}

/**
 * Reads a `text/csv` request body as a string inside the route. Neither ScaiSend's parsers nor
 * Nest's defaults read CSV, so the body is still unread here and a host needs no parser setup.
 * A body that a host's own text parser already read is used as it is. Raises 415 for another
 * content type, 413 above {@link CSV_BODY_LIMIT} and 400 for an empty body.
 */
export async function readCsvBody(request: Request): Promise<string> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!CSV_MEDIA_TYPES.includes(mediaType)) {
    throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `The import body must be text/csv with rows email,reason, not ${mediaType || 'a body without Content-Type'}.`);
  }

  const text = await readBodyText(request);
  if (text.trim() === '') throw new ApiException(HttpStatus.BAD_REQUEST, 'The CSV body is empty; send rows of email,reason.');
  return text;
}

async function readBodyText(request: Request): Promise<string> {
  if (typeof request.body === 'string') return request.body;
  if (Buffer.isBuffer(request.body)) return request.body.toString('utf8');

  await new Promise<void>((resolve, reject) => {
    // body-parser uses the response only for a `verify` hook, which this parser does not set.
    csvParser(request, request.res as Response, (error?: unknown) => (error ? reject(toApiException(error as BodyParserError)) : resolve()));
  });
  return typeof request.body === 'string' ? request.body : '';
}

function toApiException(error: BodyParserError): ApiException {
  if (error.type === 'entity.too.large') {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'The CSV body is larger than the limit of 5 MB; split the file.');
  }
  const status = error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : HttpStatus.BAD_REQUEST;
  return new ApiException(status, `The CSV body could not be read: ${error.message}`);
}
