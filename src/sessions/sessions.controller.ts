import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateSessionDto, SessionPage, SessionQuery, SessionResponse, UpdateSessionDto } from './dto/session.dto.js';
import { SessionsService } from './sessions.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('programmes, terms, sessions')
@Controller('programmes/:programmeId/sessions')
export class ProgrammeSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @ApiOperation({ summary: 'Schedule a session of a programme' })
  @ApiProblems(ProblemCode.DuplicateSession, ProblemCode.MakeUpExists, ProblemCode.NoTermForDate, ProblemCode.SessionTimes, ProblemCode.UnknownReplacedSession, ProblemCode.ReplacedSessionNotCancelled, ProblemCode.CapacityBelowRegistered)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: SessionResponse, description: '422 when no term contains the date, or the capacity would not fit the registered participants' })
  create(@Param('programmeId', ParseIdPipe) programmeId: string, @Body() dto: CreateSessionDto): Promise<SessionResponse> {
    return this.sessions.create(programmeId, dto);
  }

  @Get()
  @ApiOperation({ summary: "A programme's sessions" })
  @Roles('coordinator', 'support_worker')
  @ApiOkResponse({ type: SessionPage })
  list(@Param('programmeId', ParseIdPipe) programmeId: string, @Query() query: SessionQuery) {
    return this.sessions.listForProgramme(programmeId, query);
  }
}

@ApiTags('programmes, terms, sessions')
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A session, with places booked and available' })
  @Roles('coordinator', 'support_worker')
  @ApiOkResponse({ type: SessionResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<SessionResponse> {
    return this.sessions.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a session' })
  @ApiProblems(ProblemCode.DuplicateSession, ProblemCode.SessionTimes, ProblemCode.CapacityBelowRegistered)
  @Roles('coordinator')
  @ApiOkResponse({ type: SessionResponse, description: '422 when a smaller capacity would not fit the registered participants' })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateSessionDto): Promise<SessionResponse> {
    return this.sessions.update(id, dto);
  }
}
