import { HttpException, HttpStatus } from '@nestjs/common';

/** One problem with a sending request, in SendGrid's `errors[]` shape. */
export interface FieldError {
  message: string;
  /** Path of the offending field, such as `personalizations.0.to.1.email`, or null. */
  field: string | null;
  /** Link to documentation, or null. */
  help: string | null;
}

/** One problem with a request body outside the sending routes. */
export interface BodyError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An API error whose body is `{"detail": …}`; sending routes turn it into `errors[]`. */
export class ApiException extends HttpException {
  constructor(status: HttpStatus, detail: string | BodyError[]) {
    super({ detail }, status);
  }
}

/** A 400 with one entry per invalid body field. */
export class BodyValidationException extends ApiException {
  constructor(errors: BodyError[]) {
    super(HttpStatus.BAD_REQUEST, errors);
  }
}

/** A sending-route error whose body is `{"errors": [...]}`. */
export class SendException extends HttpException {
  constructor(status: HttpStatus, errors: FieldError[]) {
    super({ errors }, status);
  }
}

export const notFound = (what: string): ApiException => new ApiException(HttpStatus.NOT_FOUND, `${what} not found`);
