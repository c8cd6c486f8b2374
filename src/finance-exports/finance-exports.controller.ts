import { Controller, Get, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import type { FastifyReply } from 'fastify';
import { FinanceExportFileQuery, FinanceExportPage, FinanceExportResponse, NothingToExportResponse } from './dto/finance-export.dto.js';
import { EXPORT_LAYOUTS } from './finance-export-csv.js';
import { FinanceExportsService } from './finance-exports.service.js';

@ApiTags('finance exports')
@Roles('finance')
@Controller('finance-exports')
export class FinanceExportsController {
  constructor(private readonly exports: FinanceExportsService) {}

  @Post()
  @ApiOperation({
    summary: 'Export every issued document not yet exported',
    description:
      'Each invoice and credit note goes into exactly one export, even when two exports are created at the same moment. ' +
      'When no issued document is waiting to be exported, no export is created: 200 with `id: null` and zeros (201 means an export was created). ' +
      'The same export runs from the command line: `npm run finance:export -- --out FILE`.',
  })
  @ApiCreatedResponse({ type: FinanceExportResponse, description: 'An export was created' })
  @ApiOkResponse({ type: NothingToExportResponse, description: 'Nothing to export: no export was created' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<FinanceExportResponse | NothingToExportResponse> {
    const created = await this.exports.create(principal);
    if (created.id === null) res.status(200);
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'List finance exports' })
  @ApiOkResponse({ type: FinanceExportPage })
  list(@Query() query: PageQuery) {
    return this.exports.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A finance export' })
  @ApiOkResponse({ type: FinanceExportResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<FinanceExportResponse> {
    return this.exports.get(id);
  }

  @Get(':id/file')
  @ApiOperation({
    summary: 'The export as CSV (streamed)',
    description:
      '`layout=standard` (default): document_number,document_type,issue_date,due_date,customer_code,customer_name,po_number,budget_reference,description,quantity,unit_price,net_amount,vat_amount,gross_amount — ' +
      'one row per document line per budget reference (a direct payment’s sessions: one row per place and per-session price, quantity = sessions); amounts in pounds with two decimals, negative for credit notes. ' +
      '`layout=standard-v2`: the same columns, then council_client_id,vat_code (S standard, Z zero-rated, E exempt, O outside the scope),nominal_code,department_code. ' +
      '`layout=xero`: Xero’s sales-invoice import template (*ContactName … BrandingTheme), dates DD/MM/YYYY, unit amounts tax-exclusive in pounds, one row per line item with the invoice number repeated, ' +
      'TaxType as Xero UK names it (“20% (VAT on Income)”, “Exempt Income”, “Zero Rated Income”, “No VAT”), AccountCode = the contract’s nominal code, Reference = the PO, tracking category “Department” = its department code, credit notes with negative quantities. ' +
      'RFC 4180 quoting, CRLF line ends.',
  })
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'layout', required: false, enum: EXPORT_LAYOUTS })
  @ApiOkResponse({ description: 'text/csv', schema: { type: 'string' } })
  async file(@Param('id', ParseIdPipe) id: string, @Query() query: FinanceExportFileQuery): Promise<StreamableFile> {
    return new StreamableFile(await this.exports.file(id, query.layout ?? 'standard'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="finance-export-${id}${query.layout && query.layout !== 'standard' ? `-${query.layout}` : ''}.csv"`,
    });
  }
}
