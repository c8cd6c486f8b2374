import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { BudgetsService } from './budgets.service.js';
import { BudgetPage, BudgetResponse, CreateBudgetDto } from './dto/budget.dto.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('participants and budgets')
@Controller()
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Post('participants/:id/budgets')
  @ApiOperation({ summary: 'Add a budget to a participant' })
  @ApiProblems(ProblemCode.BudgetDates, ProblemCode.HolderAddressNotDirectPayment, ProblemCode.ParticipantErased, ProblemCode.UnknownCommissioner, ProblemCode.DuplicateBudgetReference)
  @Roles('coordinator')
  @ApiCreatedResponse({ type: BudgetResponse })
  create(@Param('id', ParseIdPipe) participantId: string, @Body() dto: CreateBudgetDto): Promise<BudgetResponse> {
    return this.budgets.create(participantId, dto);
  }

  @Get('participants/:id/budgets')
  @ApiOperation({ summary: "A participant's budgets" })
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: BudgetPage })
  list(@Param('id', ParseIdPipe) participantId: string, @Query() page: PageQuery) {
    return this.budgets.listForParticipant(participantId, page);
  }

  @Get('budgets/:id')
  @ApiOperation({ summary: 'A budget, with what is committed and what remains' })
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: BudgetResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<BudgetResponse> {
    return this.budgets.get(id);
  }
}
