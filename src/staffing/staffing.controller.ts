import { Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ParseIdPipe } from '../common/validation.js';
import { ReadinessResponse, RosteredStaffResponse, SessionStaffResponse } from './dto/staffing.dto.js';
import { StaffingService } from './staffing.service.js';

@ApiTags('staffing')
@Controller('sessions/:id')
export class StaffingController {
  constructor(private readonly staffing: StaffingService) {}

  @Put('staff/:userId')
  @ApiOperation({
    summary: 'Roster a support worker on a session',
    description:
      "422: not-a-support-worker, dbs-check-required (their current DBS check is missing or not valid on the session's date), session-cancelled. " +
      'Checked under the lock a change to their documents takes, so a concurrent expiry edit cannot slip through. Rostering again changes nothing.',
  })
  @ApiProblems(ProblemCode.SessionCancelled, ProblemCode.NotASupportWorker, ProblemCode.DbsCheckRequired)
  @Roles('coordinator')
  @ApiOkResponse({ type: RosteredStaffResponse })
  roster(@Param('id', ParseIdPipe) id: string, @Param('userId', ParseIdPipe) userId: string, @CurrentPrincipal() principal: Principal): Promise<RosteredStaffResponse> {
    return this.staffing.roster(id, userId, principal);
  }

  @Delete('staff/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unroster a support worker from a session' })
  @Roles('coordinator')
  @ApiNoContentResponse({ description: 'Unrostered' })
  unroster(@Param('id', ParseIdPipe) id: string, @Param('userId', ParseIdPipe) userId: string): Promise<void> {
    return this.staffing.unroster(id, userId);
  }

  @Get('staff')
  @ApiOperation({ summary: 'The support workers rostered on a session', description: 'Support workers: only for sessions they are rostered on (403 otherwise)' })
  @Roles('coordinator', 'support_worker')
  @ApiOkResponse({ type: SessionStaffResponse })
  list(@Param('id', ParseIdPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<SessionStaffResponse> {
    return this.staffing.list(id, principal);
  }

  @Get('readiness')
  @ApiOperation({
    summary: 'Whether a session can safely go ahead',
    description: 'Staffing against support levels (rule 15), consents an off-site session needs (rule 16), expired documents. Support workers: only sessions they are rostered on.',
  })
  @Roles('coordinator', 'support_worker')
  @ApiOkResponse({ type: ReadinessResponse })
  readiness(@Param('id', ParseIdPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<ReadinessResponse> {
    return this.staffing.readiness(id, principal);
  }
}
