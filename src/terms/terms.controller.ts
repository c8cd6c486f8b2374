import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateTermDto, TermPage, TermResponse, UpdateTermDto } from './dto/term.dto.js';
import { TermsService } from './terms.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { EXAMPLES } from '../common/api-examples.js';

@ApiTags('programmes, terms, sessions')
@Roles('coordinator')
@Controller('terms')
export class TermsController {
  constructor(private readonly terms: TermsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a term' })
  @ApiProblems(ProblemCode.TermDates, ProblemCode.CensusOutsideTerm, ProblemCode.TermOverlap)
  @ApiCreatedResponse({ type: TermResponse, example: EXAMPLES.term, description: '422 when the census date is outside the term or the term overlaps another' })
  create(@Body() dto: CreateTermDto): Promise<TermResponse> {
    return this.terms.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List terms' })
  @ApiOkResponse({ type: TermPage, example: EXAMPLES.termPage })
  list(@Query() page: PageQuery) {
    return this.terms.list(page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A term' })
  @ApiOkResponse({ type: TermResponse, example: EXAMPLES.term })
  get(@Param('id', ParseIdPipe) id: string): Promise<TermResponse> {
    return this.terms.get(id);
  }

  @Patch(':id')
  @ApiProblems(ProblemCode.TermDates, ProblemCode.CensusOutsideTerm, ProblemCode.TermOverlap, ProblemCode.TermBilled, ProblemCode.CensusSettlesWithdrawals, ProblemCode.SessionsOutsideTerm, ProblemCode.RegistrationsOutsideTerm)
  @ApiOperation({ summary: "Correct a term's dates or census date" })
  @ApiOkResponse({ type: TermResponse, example: EXAMPLES.term, description: 'The corrected term' })
  @ApiNotFoundResponse({ description: 'No such term' })
  @ApiUnprocessableEntityResponse({
    description:
      'term-dates / census-outside-term / term-overlap: the same rules as POST /terms, on the corrected term. ' +
      'term-billed: the census of a term that has been billed (a billing-ledger entry or an invoice or credit-note line ' +
      'refers to it) does not move. census-settles-withdrawals: moving the census would change whether a withdrawn ' +
      'registration counted at it (its budget money was kept or released by the old census). sessions-outside-term / ' +
      'registrations-outside-term: the new dates would leave a session, a place taken, or a withdrawal outside the term.',
  })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateTermDto): Promise<TermResponse> {
    return this.terms.update(id, dto);
  }
}
