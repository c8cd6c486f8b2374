import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/decorators.js';
import { AgedDebtQuery, AgedDebtResponse } from './dto/invoice.dto.js';
import { InvoicesService } from './invoices.service.js';

@ApiTags('invoices')
@Roles('finance')
@Controller('reports')
export class ReportsController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get('aged-debt')
  @ApiOperation({
    summary: 'Aged debt by commissioner',
    description:
      'Outstanding money (invoice totals less credit notes and payments dated up to asOf), by commissioner, in buckets of 0–30, 31–60, 61–90 and ' +
      'over 90 days. Debt is aged from each invoice’s ISSUE DATE (not its due date). Direct-payment invoices, owed by budget holders, are listed ' +
      'under their budget’s commissioner with payer "budget_holders".',
  })
  @ApiOkResponse({ type: AgedDebtResponse })
  agedDebt(@Query() query: AgedDebtQuery): Promise<AgedDebtResponse> {
    return this.invoices.agedDebt(query.asOf);
  }
}
