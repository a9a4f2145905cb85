import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ScaiSendRateLimitGuard } from '../rate-limits/rate-limit.guard.js';
import { ScaiSendAuthGuard } from './auth.guard.js';
import { createBodyValidationPipe } from './body-validation.pipe.js';
import { ScaiSendExceptionFilter } from './exception.filter.js';

/**
 * Declares an authenticated ScaiSend controller: the bearer guard, the rate limits, DTO validation
 * and the API's error shape, so a host's global pipes and filters do not change ScaiSend's responses.
 */
export function ScaiSendController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(ScaiSendAuthGuard, ScaiSendRateLimitGuard),
    UsePipes(createBodyValidationPipe()),
    UseFilters(ScaiSendExceptionFilter),
  );
}
