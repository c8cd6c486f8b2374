import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../common/problem.js';
import { refuseIfTimedOut } from '../common/request-deadline.js';
import { AuthService } from './auth.service.js';
import { PUBLIC_KEY, ROLES_KEY, SCOPES_KEY } from './decorators.js';
import type { Principal, Role, Scope } from './principal.js';
import { IntegrationRateLimiter } from './rate-limit.js';

const BEARER = /^Bearer\s+(\S{1,512})\s*$/i;

/**
 * Global guard, deny by default: @Public() opens a route; otherwise the caller needs a valid token and
 * either the admin role, a role named by @Roles(), or (for integration keys) a scope named by @Scopes().
 * Integration keys are also rate limited (INTEGRATION_RATE_LIMIT_PER_MINUTE; 429 with Retry-After beyond it).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly rateLimiter: IntegrationRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw unauthorized();
    const principal = await this.auth.authenticate(match[1]);
    // the request deadline passed while the token was looked up: the handler does not start
    refuseIfTimedOut(request);
    if (!principal) throw unauthorized('The token is unknown or has been revoked');
    request.principal = principal;

    if (principal.kind === 'user') {
      const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
      if (principal.role === 'admin' || roles.includes(principal.role)) return true;
      throw forbidden(`The ${principal.role} role may not do this`);
    }
    const limit = await this.rateLimiter.consume(principal.id);
    refuseIfTimedOut(request);
    if (limit) {
      const response = context.switchToHttp().getResponse<FastifyReply>();
      response.header('X-RateLimit-Limit', String(limit.limit));
      response.header('X-RateLimit-Remaining', String(limit.remaining));
    }
    const scopes = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [];
    if (scopes.some((scope) => principal.scopes.includes(scope))) return true;
    throw forbidden(
      scopes.length ? `This needs one of the scopes: ${scopes.join(', ')}` : 'Integration keys may not do this',
    );
  }
}
