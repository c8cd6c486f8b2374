import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../audit/actor.js';
import { Roles } from '../auth/decorators.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateReferralDto, ReferralDecisionDto, ReferralPage, ReferralQuery, ReferralResponse } from './dto/referral.dto.js';
import { ReferralsService } from './referrals.service.js';

@ApiTags('referrals and outcomes')
@Roles('coordinator')
@Controller('referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Post()
  @ApiProblems(ProblemCode.UnknownCommissioner, ProblemCode.UnknownProgramme, ProblemCode.UnknownParticipant)
  @ApiOperation({
    summary: 'Record a referral',
    description: 'How a young person comes to the provider: source, date, and optionally the council, programme and participant. Starts `received`.',
  })
  @ApiCreatedResponse({ type: ReferralResponse })
  @ApiUnprocessableEntityResponse({ description: 'unknown-commissioner, unknown-programme, unknown-participant (naming the field)' })
  create(@Body() dto: CreateReferralDto, @CurrentActor() actor: Actor): Promise<ReferralResponse> {
    return this.referrals.create(dto, actor);
  }

  @Get()
  @ApiOperation({ summary: 'Referrals, oldest first', description: 'Filter by status, commissioner, programme or participant' })
  @ApiOkResponse({ type: ReferralPage })
  list(@Query() query: ReferralQuery) {
    return this.referrals.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A referral' })
  @ApiProblems(ProblemCode.NotFound)
  @ApiOkResponse({ type: ReferralResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<ReferralResponse> {
    return this.referrals.get(id);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide a referral',
    description:
      'Accept, decline or withdraw a `received` referral, with a reason. Accepting links it to a participant (this body\'s participantId or the ' +
      "referral's own). A referral is decided once: 409 referral-already-decided afterwards, whatever the concurrency.",
  })
  @ApiOkResponse({ type: ReferralResponse })
  @ApiConflictResponse({ description: 'referral-already-decided: the referral is not `received` any more' })
  @ApiUnprocessableEntityResponse({ description: 'referral-needs-participant, referral-participant-mismatch, unknown-participant' })
  @ApiProblems(ProblemCode.ReferralAlreadyDecided, ProblemCode.ReferralNeedsParticipant, ProblemCode.ReferralParticipantMismatch, ProblemCode.UnknownParticipant)
  decide(@Param('id', ParseIdPipe) id: string, @Body() dto: ReferralDecisionDto, @CurrentActor() actor: Actor): Promise<ReferralResponse> {
    return this.referrals.decide(id, dto, actor);
  }
}
