import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ParseIdPipe } from '../common/validation.js';
import { SessionResponse } from '../sessions/dto/session.dto.js';
import { CancelSessionDto } from './dto/cancel-session.dto.js';
import { SessionCancellationService } from './session-cancellation.service.js';

@ApiTags('programmes, terms, sessions')
@Controller('sessions')
export class SessionCancellationController {
  constructor(private readonly cancellation: SessionCancellationService) {}

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a session',
    description:
      'status becomes cancelled. Attendance on it is refused (422 session-cancelled); families paying by the session are never charged for it; it drops ' +
      'out of pro-rata counts. A make-up session replaces it through POST /programmes/:id/sessions with replacesSessionId. 409 when already cancelled.',
  })
  @ApiProblems(ProblemCode.SessionAlreadyCancelled)
  @Roles('coordinator')
  @ApiOkResponse({ type: SessionResponse })
  cancel(@Param('id', ParseIdPipe) id: string, @Body() dto: CancelSessionDto, @CurrentPrincipal() principal: Principal): Promise<SessionResponse> {
    return this.cancellation.cancel(id, dto, principal);
  }
}
