import { ValidationError, ValidationPipe } from '@nestjs/common';
import { BodyError, BodyValidationException } from './errors.js';

/**
 * Validates DTO bodies with class-validator and answers 400 `{"detail": [{loc, msg, type}]}`, one
 * entry per failed constraint, with `loc` starting at `body`.
 */
export function createBodyValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => new BodyValidationException(flatten(errors, ['body'])),
  });
}

function flatten(errors: ValidationError[], parent: (string | number)[]): BodyError[] {
  return errors.flatMap((error) => {
    const loc = [...parent, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const own = Object.entries(error.constraints ?? {}).map(([type, msg]) => ({ loc, msg, type }));
    return [...own, ...flatten(error.children ?? [], loc)];
  });
}
