import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../audit/actor.js';
import { Roles, Scopes } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateParticipantDto, ParticipantPage, ParticipantQuery, ParticipantResponse, UpdateParticipantDto } from './dto/participant.dto.js';
import { ParticipantsService } from './participants.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { EXAMPLES } from '../common/api-examples.js';

@ApiTags('participants and budgets')
@Controller('participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a participant' })
  @ApiProblems(ProblemCode.UnknownCommissioner)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: ParticipantResponse, example: EXAMPLES.participant })
  create(@Body() dto: CreateParticipantDto, @CurrentActor() actor: Actor): Promise<ParticipantResponse> {
    return this.participants.create(dto, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List participants' })
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @Scopes('participants:read')
  @ApiOkResponse({ type: ParticipantPage, example: EXAMPLES.participantPage })
  list(@Query() query: ParticipantQuery, @CurrentActor() actor: Actor) {
    return this.participants.list(query, actor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A participant' })
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @Scopes('participants:read')
  @ApiOkResponse({ type: ParticipantResponse, example: EXAMPLES.participant })
  get(@Param('id', ParseIdPipe) id: string, @CurrentActor() actor: Actor): Promise<ParticipantResponse> {
    return this.participants.get(id, actor);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a participant' })
  @ApiProblems(ProblemCode.ParticipantErased, ProblemCode.UnknownCommissioner)
  @Roles('coordinator')
  @ApiOkResponse({ type: ParticipantResponse, example: EXAMPLES.participant })
  update(
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: UpdateParticipantDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponse> {
    return this.participants.update(id, dto, actor);
  }
}
