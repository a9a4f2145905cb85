import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions.js';

export const REQUIRED_PERMISSIONS = 'scaisend:required-permissions';

/** Names the permissions a route needs; routes without it need only a credential of the tenant. */
export const RequirePermissions = (...permissions: Permission[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSIONS, permissions);

export const API_KEY_ROUTE = 'scaisend:api-key-route';

/** Marks routes that accept ScaiSend API keys besides host credentials. */
export const AcceptsApiKeys = (): MethodDecorator & ClassDecorator => SetMetadata(API_KEY_ROUTE, true);
