import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../audit/actor.js';
import { Roles } from '../auth/decorators.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateOutcomeDto, OutcomePage, OutcomeQuery, OutcomeResponse } from './dto/outcome.dto.js';
import { OutcomesService } from './outcomes.service.js';

@ApiTags('referrals and outcomes')
@Roles('coordinator')
@Controller()
export class OutcomesController {
  constructor(private readonly outcomes: OutcomesService) {}

  @Post('participants/:id/outcomes')
  @ApiProblems(ProblemCode.ArtsAwardNeedsLevel, ProblemCode.LevelOnlyForArtsAward, ProblemCode.AchievedOnOnlyWhenAchieved, ProblemCode.ParticipantErased, ProblemCode.UnknownProgramme, ProblemCode.UnknownTerm, ProblemCode.EvidenceNotOfParticipant)
  @ApiOperation({
    summary: "Record a participant's outcome",
    description:
      'An Arts Award level worked toward or achieved, or progression (other events, work experience, volunteering, other), with the case notes ' +
      'that evidence it. An achieved outcome is dated (achievedOn, default today).',
  })
  @ApiCreatedResponse({ type: OutcomeResponse })
  @ApiUnprocessableEntityResponse({
    description: 'arts-award-needs-level, level-only-for-arts-award, achieved-on-only-when-achieved, evidence-not-of-participant, unknown-programme, unknown-term, participant-erased',
  })
  create(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateOutcomeDto, @CurrentActor() actor: Actor): Promise<OutcomeResponse> {
    return this.outcomes.create(id, dto, actor);
  }

  @Get('participants/:id/outcomes')
  @ApiOperation({ summary: "A participant's outcomes, oldest first" })
  @ApiOkResponse({ type: OutcomePage })
  ofParticipant(@Param('id', ParseIdPipe) id: string, @Query() query: OutcomeQuery) {
    return this.outcomes.ofParticipant(id, query);
  }

  @Get('outcomes')
  @ApiOperation({ summary: 'Outcomes by programme, term, kind and status, oldest first' })
  @ApiProblems(ProblemCode.InvalidRequest)
  @ApiOkResponse({ type: OutcomePage })
  list(@Query() query: OutcomeQuery) {
    return this.outcomes.list(query);
  }
}
