import { Body, Controller, Get, Header, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ParseIdPipe } from '../../common/validation.js';
import { CreateCreditNoteDto, CreatePaymentDto, InvoicePage, InvoiceQuery, InvoiceResponse, PaymentResponse } from './dto/invoice.dto.js';
import { InvoicesService } from './invoices.service.js';
import { PaymentsService } from '../payments/payments.service.js';
import { ApiProblems } from '../../common/api-problems.js';
import { ProblemCode } from '../../common/problem-codes.js';
import { EXAMPLES } from '../../common/api-examples.js';

@ApiTags('invoices')
@Controller('invoices')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly payments: PaymentsService,
  ) {}

  @Get()
  @Roles('finance', 'coordinator')
  @ApiOperation({ summary: 'Invoices and credit notes', description: 'Filter by billing run, commissioner (of the recipient), budget, kind, number (exact), status or dueBefore (due strictly before that date)' })
  @ApiOkResponse({ type: InvoicePage, example: EXAMPLES.invoicePage })
  list(@Query() query: InvoiceQuery) {
    return this.invoices.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An invoice or credit note, with its lines' })
  @Roles('finance', 'coordinator')
  @ApiOkResponse({ type: InvoiceResponse, example: EXAMPLES.invoice })
  get(@Param('id', ParseIdPipe) id: string): Promise<InvoiceResponse> {
    return this.invoices.get(id);
  }

  @Get(':id/pdf')
  @ApiOperation({ summary: 'An invoice or credit note as PDF' })
  @Roles('finance', 'coordinator')
  @Header('Content-Type', 'application/pdf')
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The document as a PDF', schema: { type: 'string', format: 'binary' } })
  async pdf(@Param('id', ParseIdPipe) id: string): Promise<StreamableFile> {
    const { filename, content } = await this.invoices.pdf(id);
    return new StreamableFile(content, { type: 'application/pdf', disposition: `inline; filename="${filename}"` });
  }

  @Post(':id/credit-notes')
  @ApiProblems(ProblemCode.NotAnInvoice, ProblemCode.AlreadyCredited)
  @Roles('finance')
  @ApiOperation({
    summary: 'Credit an invoice in full',
    description:
      'Issues a credit note mirroring the invoice for every participant it still bills (participants already credited by a run are not credited twice). ' +
      'A later billing run may invoice those participants again. 409 when nothing on the invoice is left to credit; 422 for a credit note.',
  })
  @ApiCreatedResponse({ type: InvoiceResponse, description: 'The credit note' })
  credit(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateCreditNoteDto, @CurrentPrincipal() principal: Principal): Promise<InvoiceResponse> {
    return this.invoices.credit(id, dto.reason, principal);
  }

  @Post(':id/payments')
  @ApiProblems(ProblemCode.NotAnInvoice, ProblemCode.Overpayment, ProblemCode.PaymentInFuture, ProblemCode.PaymentBeforeIssue)
  @Roles('finance')
  @ApiOperation({
    summary: 'Record a payment',
    description:
      'method defaults to bacs. The invoice is paid once payments settle what credit notes left. 422 for more than is outstanding, a credit note, ' +
      "a receivedOn in the future or before the invoice's issue date. Concurrent payments and remittance allocations of one invoice queue up on it: " +
      'together they never exceed what is outstanding.',
  })
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiUnprocessableEntityResponse({ description: 'overpayment, not-an-invoice, payment-in-future, payment-before-issue' })
  pay(@Param('id', ParseIdPipe) id: string, @Body() dto: CreatePaymentDto, @CurrentPrincipal() principal: Principal): Promise<PaymentResponse> {
    return this.payments.pay(id, dto, principal);
  }

  @Get(':id/payments')
  @Roles('finance')
  @ApiOperation({ summary: "An invoice's payments", description: 'Remittance allocations included (remittanceId set), oldest first' })
  @ApiOkResponse({ type: [PaymentResponse] })
  listPayments(@Param('id', ParseIdPipe) id: string): Promise<PaymentResponse[]> {
    return this.payments.payments(id);
  }
}
