import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../audit/actor.js';
import { Roles, Scopes } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateParticipantDto, ParticipantPage, ParticipantQuery, ParticipantResponse, UpdateParticipantDto } from './dto/participant.dto.js';
import { ParticipantsService } from './participants.service.js';

@ApiTags('participants and budgets')
@Controller('participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Post()
  @Roles('coordinator')
  @ApiCreatedResponse({ type: ParticipantResponse })
  create(@Body() dto: CreateParticipantDto, @CurrentActor() actor: Actor): Promise<ParticipantResponse> {
    return this.participants.create(dto, actor);
  }

  @Get()
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @Scopes('participants:read')
  @ApiOkResponse({ type: ParticipantPage })
  list(@Query() query: ParticipantQuery, @CurrentActor() actor: Actor) {
    return this.participants.list(query, actor);
  }

  @Get(':id')
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @Scopes('participants:read')
  @ApiOkResponse({ type: ParticipantResponse })
  get(@Param('id', ParseIdPipe) id: string, @CurrentActor() actor: Actor): Promise<ParticipantResponse> {
    return this.participants.get(id, actor);
  }

  @Patch(':id')
  @Roles('coordinator')
  @ApiOkResponse({ type: ParticipantResponse })
  update(
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: UpdateParticipantDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParticipantResponse> {
    return this.participants.update(id, dto, actor);
  }
}
