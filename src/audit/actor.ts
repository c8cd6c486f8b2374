import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';

/** The caller of a request and the request's id (its X-Request-Id): what the audit trail records. */
export interface Actor {
  principal: Principal;
  requestId: string | null;
}

/** The actor of work nobody requested (the retention job). */
export interface SystemActor {
  system: string;
}

/** The authenticated caller together with the request id that the request log line carries and X-Request-Id returns. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ principal: Principal; id?: string | number }>();
  return { principal: request.principal, requestId: request.id !== undefined ? String(request.id) : null };
});
