import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, Scopes } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { AttendanceService } from './attendance.service.js';
import { AttendancePage, AttendanceResponse, RecordAttendanceDto, RosterPage } from './dto/attendance.dto.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('attendance')
@Roles('coordinator', 'support_worker')
@Controller('sessions/:id')
export class AttendanceController {
  constructor(private readonly attendance: AttendanceService) {}

  @Put('attendance/:participantId')
  @ApiOperation({ summary: "Record a participant's attendance at a session" })
  @ApiProblems(ProblemCode.NotRegisteredForSession, ProblemCode.SessionCancelled, ProblemCode.OffSiteConsentMissing)
  @Scopes('attendance:write')
  @ApiOkResponse({ type: AttendanceResponse, description: '422 unless the participant is registered for the session’s term; last write wins' })
  record(
    @Param('id', ParseIdPipe) sessionId: string,
    @Param('participantId', ParseIdPipe) participantId: string,
    @Body() dto: RecordAttendanceDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AttendanceResponse> {
    return this.attendance.record(sessionId, participantId, dto, principal);
  }

  @Get('attendance')
  @ApiOperation({ summary: 'Attendance recorded for a session' })
  @ApiOkResponse({ type: AttendancePage })
  list(@Param('id', ParseIdPipe) sessionId: string, @Query() page: PageQuery) {
    return this.attendance.list(sessionId, page);
  }

  @Get('roster')
  @ApiOperation({ summary: 'The participants registered for a session, with their consents' })
  @Scopes('attendance:write')
  @ApiOkResponse({ type: RosterPage, description: 'The participants registered for the session' })
  roster(@Param('id', ParseIdPipe) sessionId: string, @Query() page: PageQuery) {
    return this.attendance.roster(sessionId, page);
  }
}
