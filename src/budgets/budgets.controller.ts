import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { BudgetsService } from './budgets.service.js';
import { BudgetPage, BudgetResponse, CreateBudgetDto } from './dto/budget.dto.js';

@ApiTags('participants and budgets')
@Controller()
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Post('participants/:id/budgets')
  @Roles('coordinator')
  @ApiCreatedResponse({ type: BudgetResponse })
  create(@Param('id', ParseIdPipe) participantId: string, @Body() dto: CreateBudgetDto): Promise<BudgetResponse> {
    return this.budgets.create(participantId, dto);
  }

  @Get('participants/:id/budgets')
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: BudgetPage })
  list(@Param('id', ParseIdPipe) participantId: string, @Query() page: PageQuery) {
    return this.budgets.listForParticipant(participantId, page);
  }

  @Get('budgets/:id')
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: BudgetResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<BudgetResponse> {
    return this.budgets.get(id);
  }
}
