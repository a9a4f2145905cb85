import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BodyError, BodyValidationException } from './errors.js';

/**
 * Validates DTOs with class-validator and responds 400 `{"detail": [{loc, msg, type}]}`, one entry
 * per failed constraint, with `loc` starting at where the value came from (`body`, `query`).
 */
class LocatedValidationPipe extends ValidationPipe {
  constructor() {
    super({ transform: true, whitelist: true, stopAtFirstError: true, validateCustomDecorators: false, exceptionFactory: (errors) => new BodyValidationException(flatten(errors, ['body'])) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof BodyValidationException) || metadata.type === 'body') throw error;
      const errors = (error.getResponse() as { detail: BodyError[] }).detail;
      throw new BodyValidationException(errors.map((entry) => ({ ...entry, loc: [metadata.type, ...entry.loc.slice(1)] })));
    }
  }
}

export function createBodyValidationPipe(): ValidationPipe {
  return new LocatedValidationPipe();
}

function flatten(errors: ValidationError[], parent: (string | number)[]): BodyError[] {
  return errors.flatMap((error) => {
    const loc = [...parent, /^\d+$/.test(error.property) ? Number(error.property) : error.property];
    const own = Object.entries(error.constraints ?? {}).map(([type, msg]) => ({ loc, msg, type }));
    return [...own, ...flatten(error.children ?? [], loc)];
  });
}
