import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import type { Principal, Role, Scope } from './principal.js';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const SCOPES_KEY = 'auth:scopes';

/** Opens a route to callers without a token (health checks, the API description). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Staff roles allowed besides admin (who may do everything). A route without @Roles is admin-only:
 * the guard denies by default.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked token' }),
    ApiForbiddenResponse({ description: `Allowed roles: admin${roles.length ? ', ' + roles.join(', ') : ''}` }),
  );

/**
 * Integration scopes allowed (an integration key can do only what its scopes name); the API
 * description lists them on the operation as `x-scopes`.
 */
export const Scopes = (...scopes: Scope[]) => applyDecorators(SetMetadata(SCOPES_KEY, scopes), ApiExtension('x-scopes', scopes));

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
