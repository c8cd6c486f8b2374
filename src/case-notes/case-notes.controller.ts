import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../audit/actor.js';
import { Roles, Scopes } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { CaseNotesService } from './case-notes.service.js';
import {
  AmendCaseNoteDto,
  CaseNotePage,
  CaseNoteQuery,
  CaseNoteResponse,
  CaseNoteVersionPage,
  CreateCaseNoteDto,
} from './dto/case-note.dto.js';
import { ApiIdempotencyKey, IdempotencyKey } from './idempotency-key.decorator.js';
import type { IdempotentRequest } from './idempotency.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { EXAMPLES } from '../common/api-examples.js';

const RATE_LIMITED = {
  description: 'An integration key made more than INTEGRATION_RATE_LIMIT_PER_MINUTE requests this minute; Retry-After says when to retry',
};

const READERS = 'Readers: admin, coordinator, safeguarding_lead (every category), support_worker (all but safeguarding). ' +
  'Finance and integration keys may not read notes. Every read is recorded in the audit trail.';

@ApiTags('case notes and data protection')
@Controller()
export class CaseNotesController {
  constructor(private readonly caseNotes: CaseNotesService) {}

  @Post('participants/:id/case-notes')
  @ApiProblems(ProblemCode.ParticipantErased, ProblemCode.UnknownSession, ProblemCode.SessionNotRegistered)
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @Scopes('case-notes:write')
  @ApiOperation({
    summary: 'Write a case note',
    description:
      'The author is stamped from the token. A safeguarding note also sends a signed alert (no body) to the configured webhook.',
  })
  @ApiIdempotencyKey('Required for integration API keys (400 without it), optional for users.')
  @ApiTooManyRequestsResponse(RATE_LIMITED)
  @ApiCreatedResponse({ type: CaseNoteResponse, example: EXAMPLES.caseNote, description: 'Also the answer to a replay of the same key and request' })
  @ApiUnprocessableEntityResponse({ description: "sessionId not a session of a programme-term the participant has a place on; participant erased" })
  create(
    @Param('id', ParseIdPipe) participantId: string,
    @Body() dto: CreateCaseNoteDto,
    @CurrentActor() actor: Actor,
    @IdempotencyKey({ requiredForIntegrations: true }) idempotency?: IdempotentRequest,
  ): Promise<CaseNoteResponse> {
    return this.caseNotes.create(participantId, dto, actor, idempotency);
  }

  @Get('participants/:id/case-notes')
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @ApiOperation({ summary: "A participant's case notes that the caller may read, oldest first", description: READERS })
  @ApiOkResponse({ type: CaseNotePage, example: EXAMPLES.caseNotePage })
  list(@Param('id', ParseIdPipe) participantId: string, @Query() query: CaseNoteQuery, @CurrentActor() actor: Actor) {
    return this.caseNotes.list(participantId, query, actor);
  }

  @Get('case-notes/:id')
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @ApiOperation({ summary: 'A case note (its current version)', description: READERS })
  @ApiOkResponse({ type: CaseNoteResponse, example: EXAMPLES.caseNote })
  @ApiForbiddenResponse({ description: 'The caller may not read notes of this category (e.g. a support worker and a safeguarding note)' })
  @ApiNotFoundResponse({ description: 'No such note' })
  get(@Param('id', ParseIdPipe) id: string, @CurrentActor() actor: Actor): Promise<CaseNoteResponse> {
    return this.caseNotes.get(id, actor);
  }

  @Post('case-notes/:id/amendments')
  @ApiProblems(ProblemCode.ParticipantErased)
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @Scopes('case-notes:write')
  @ApiOperation({
    summary: 'Amend a case note: a new version with a reason (notes are never edited or deleted)',
    description: 'Staff amend the notes they may read and those they wrote; an integration amends only the notes it posted.',
  })
  @ApiIdempotencyKey('Optional.')
  @ApiTooManyRequestsResponse(RATE_LIMITED)
  @ApiCreatedResponse({ type: CaseNoteResponse, description: 'The note at its new version (version + 1)' })
  amend(
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: AmendCaseNoteDto,
    @CurrentActor() actor: Actor,
    @IdempotencyKey({ requiredForIntegrations: false }) idempotency?: IdempotentRequest,
  ): Promise<CaseNoteResponse> {
    return this.caseNotes.amend(id, dto, actor, idempotency);
  }

  @Get('case-notes/:id/versions')
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @ApiOperation({ summary: "Every version of a note's body, oldest first, with who wrote it and why", description: READERS })
  @ApiOkResponse({ type: CaseNoteVersionPage })
  versions(@Param('id', ParseIdPipe) id: string, @Query() page: PageQuery, @CurrentActor() actor: Actor) {
    return this.caseNotes.listVersions(id, page, actor);
  }
}
