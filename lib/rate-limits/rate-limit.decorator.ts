import { SetMetadata } from '@nestjs/common';
import type { RateLimitClass } from './rate-limit-rules.js';

export const RATE_LIMIT_CLASS = 'scaisend:rateLimitClass';

/** Counts the route's requests in a class of its own instead of `default`. */
export const RateLimited = (name: Exclude<RateLimitClass, 'default'>): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_CLASS, name);
