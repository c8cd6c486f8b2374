import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { ConsentsService } from './consents.service.js';
import { ConsentPage, ConsentResponse, RecordConsentDto } from './dto/consent.dto.js';

@ApiTags('participants and budgets')
@Controller('participants/:id/consents')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  @Post()
  @ApiOperation({
    summary: "Record a participant's consent or refusal for a purpose",
    description: 'History is kept; the latest per purpose applies until it expires. A photography consent sets the participant’s photoConsent.',
  })
  @ApiProblems(ProblemCode.ConsentExpiryBeforeRecorded, ProblemCode.ParticipantErased)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: ConsentResponse })
  record(@Param('id', ParseIdPipe) id: string, @Body() dto: RecordConsentDto, @CurrentPrincipal() principal: Principal): Promise<ConsentResponse> {
    return this.consents.record(id, dto, principal);
  }

  @Get()
  @ApiOperation({ summary: "A participant's consents: the history and what applies today" })
  @Roles('coordinator', 'support_worker', 'safeguarding_lead')
  @ApiOkResponse({ type: ConsentPage })
  list(@Param('id', ParseIdPipe) id: string, @Query() page: PageQuery): Promise<ConsentPage> {
    return this.consents.list(id, page);
  }
}
