import { Controller, Get, Header, Headers, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { negotiateMediaType } from '../common/content-negotiation.js';
import { ParseIdPipe } from '../common/validation.js';
import { StatementQuery, StatementResponse } from './dto/statement.dto.js';
import { StatementsService } from './statements.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

const MEDIA_TYPES = ['application/json', 'application/pdf'] as const;

const STATEMENT_RESPONSE = {
  description: 'The statement: JSON, or a PDF when the Accept header prefers application/pdf',
  content: {
    'application/json': { schema: { $ref: getSchemaPath(StatementResponse) } },
    'application/pdf': { schema: { type: 'string', format: 'binary' } },
  },
};

const PERIOD =
  'Opening balance (owed at the end of the day before `from`), the documents, remittances and payments dated in the period with the running ' +
  'balance, money on account, closing balance, and what is outstanding aged as at `to` by days past each due date: not yet due, 0–30, 31–60, ' +
  '61–90, over 90. `from` defaults to the first day anything happened on the account, `to` to today (London). JSON by default; ' +
  '`Accept: application/pdf` for the PDF; 406 for an Accept that allows neither.';

@ApiTags('statements')
@ApiExtraModels(StatementResponse)
@Roles('finance', 'coordinator')
@Controller()
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Get('commissioners/:id/statement')
  @ApiProblems(ProblemCode.NotAcceptable)
  @Header('Vary', 'Accept')
  @ApiProduces(...MEDIA_TYPES)
  @ApiOperation({
    summary: "A council's statement of account",
    description: `The invoices and credit notes addressed to the council (not to its direct-payment holders), its remittances and other payments. ${PERIOD}`,
  })
  @ApiOkResponse(STATEMENT_RESPONSE)
  @ApiNotFoundResponse({ description: 'No such commissioner' })
  @ApiResponse({ status: 406, description: 'The Accept header allows neither application/json nor application/pdf' })
  async commissioner(@Param('id', ParseIdPipe) id: string, @Query() query: StatementQuery, @Headers('accept') accept?: string) {
    const type = negotiateMediaType(accept, MEDIA_TYPES);
    return this.answer(type, await this.statements.forCommissioner(id, query));
  }

  @Get('budgets/:id/statement')
  @ApiProblems(ProblemCode.NotADirectPaymentBudget, ProblemCode.NotAcceptable)
  @Header('Vary', 'Accept')
  @ApiProduces(...MEDIA_TYPES)
  @ApiOperation({
    summary: "A direct-payment budget holder's statement of account",
    description: `The invoices and credit notes addressed to the budget's holder and their payments. 422 for a managed budget (see its council's statement). ${PERIOD}`,
  })
  @ApiOkResponse(STATEMENT_RESPONSE)
  @ApiNotFoundResponse({ description: 'No such budget' })
  @ApiResponse({ status: 406, description: 'The Accept header allows neither application/json nor application/pdf' })
  async budget(@Param('id', ParseIdPipe) id: string, @Query() query: StatementQuery, @Headers('accept') accept?: string) {
    const type = negotiateMediaType(accept, MEDIA_TYPES);
    return this.answer(type, await this.statements.forBudget(id, query));
  }

  private async answer(type: (typeof MEDIA_TYPES)[number], statement: StatementResponse): Promise<StatementResponse | StreamableFile> {
    if (type === 'application/json') return statement;
    const { filename, content } = await this.statements.pdf(statement);
    return new StreamableFile(content, { type: 'application/pdf', disposition: `inline; filename="${filename}"` });
  }
}
