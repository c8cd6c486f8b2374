import { Controller, Get, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import type { Response } from 'express';
import { FinanceExportPage, FinanceExportResponse, NothingToExportResponse } from './dto/finance-export.dto.js';
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
    @Res({ passthrough: true }) res: Response,
  ): Promise<FinanceExportResponse | NothingToExportResponse> {
    const created = await this.exports.create(principal);
    if (created.id === null) res.status(200);
    return created;
  }

  @Get()
  @ApiOkResponse({ type: FinanceExportPage })
  list(@Query() query: PageQuery) {
    return this.exports.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: FinanceExportResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<FinanceExportResponse> {
    return this.exports.get(id);
  }

  @Get(':id/file')
  @ApiOperation({
    summary: 'The export as CSV (streamed)',
    description:
      'Header: document_number,document_type,issue_date,due_date,customer_code,customer_name,po_number,budget_reference,description,quantity,unit_price,net_amount,vat_amount,gross_amount. ' +
      'One row per document line per budget reference (quantity 1); amounts in pounds with two decimals, negative for credit notes; RFC 4180 quoting, CRLF line ends.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv', schema: { type: 'string' } })
  async file(@Param('id', ParseIdPipe) id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.exports.file(id), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="finance-export-${id}.csv"`,
    });
  }
}
