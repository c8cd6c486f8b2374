import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ParseIdPipe } from '../common/validation.js';
import { AllocateRemittanceDto, CreateRemittanceDto, RemittancePage, RemittanceQuery, RemittanceResponse } from './dto/remittance.dto.js';
import { RemittancesService } from './remittances.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('remittances')
@Roles('finance')
@Controller('remittances')
export class RemittancesController {
  constructor(private readonly remittances: RemittancesService) {}

  @Post()
  @ApiProblems(ProblemCode.RemittanceInFuture, ProblemCode.UnknownCommissioner, ProblemCode.UnknownInvoice, ProblemCode.NotAnInvoice, ProblemCode.NotTheCommissionersInvoice, ProblemCode.DuplicateAllocation, ProblemCode.AllocationExceedsOutstanding, ProblemCode.AllocationExceedsRemittance)
  @ApiOperation({
    summary: 'Record a remittance from a council and allocate it',
    description:
      'One sum covering several invoices. Without allocations, oldest outstanding invoice of the commissioner first; what is left stays on ' +
      'account (unallocatedPence). Each allocation is a payment of the invoice. Racing remittances and payments never pay an invoice beyond ' +
      'what is outstanding: they queue up on the invoice, and a later one allocates only what is left.',
  })
  @ApiCreatedResponse({ type: RemittanceResponse })
  @ApiUnprocessableEntityResponse({
    description:
      'unknown-commissioner, remittance-in-future, unknown-invoice, not-an-invoice, not-the-commissioners-invoice, duplicate-allocation ' +
      '(allocations[i].invoiceId), allocation-exceeds-outstanding (allocations[i].amountPence), allocation-exceeds-remittance (allocations)',
  })
  create(@Body() dto: CreateRemittanceDto, @CurrentPrincipal() principal: Principal): Promise<RemittanceResponse> {
    return this.remittances.create(dto, principal);
  }

  @Get()
  @ApiOperation({ summary: 'Remittances, oldest first', description: 'Filter by commissioner' })
  @ApiOkResponse({ type: RemittancePage })
  list(@Query() query: RemittanceQuery): Promise<RemittancePage> {
    return this.remittances.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A remittance and its allocations' })
  @ApiOkResponse({ type: RemittanceResponse })
  @ApiNotFoundResponse({ description: 'No such remittance' })
  get(@Param('id', ParseIdPipe) id: string): Promise<RemittanceResponse> {
    return this.remittances.get(id);
  }

  @Post(':id/allocations')
  @ApiProblems(ProblemCode.NothingOnAccount, ProblemCode.UnknownInvoice, ProblemCode.NotAnInvoice, ProblemCode.NotTheCommissionersInvoice, ProblemCode.DuplicateAllocation, ProblemCode.AllocationExceedsOutstanding, ProblemCode.AllocationExceedsRemittance)
  @ApiOperation({
    summary: 'Place money on account',
    description:
      'Allocates what the remittance still has on account: the allocations given, or (body {}) oldest outstanding invoice first. Never more ' +
      'than is on account, whatever the concurrency. Answers the remittance with all its allocations. An allocation made now is dated today.',
  })
  @ApiCreatedResponse({ type: RemittanceResponse })
  @ApiNotFoundResponse({ description: 'No such remittance' })
  @ApiUnprocessableEntityResponse({ description: 'nothing-on-account, and the allocation rules of POST /remittances' })
  allocate(@Param('id', ParseIdPipe) id: string, @Body() dto: AllocateRemittanceDto, @CurrentPrincipal() principal: Principal): Promise<RemittanceResponse> {
    return this.remittances.allocateOnAccount(id, dto, principal);
  }
}
