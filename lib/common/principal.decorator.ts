import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { AuthenticatedRequest, Principal, PRINCIPAL_PROPERTY } from './principal.js';

/** The principal the authentication guard resolved for this request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<AuthenticatedRequest>()[PRINCIPAL_PROPERTY],
);
