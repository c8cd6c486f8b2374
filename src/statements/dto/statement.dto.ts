import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/validation.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../../billing/payment-method.js';

export class StatementQuery {
  @ApiPropertyOptional({ format: 'date', description: 'First day of the period (default: the first day anything happened on the account)' })
  @IsOptional() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last day of the period and the date the debt is aged at (default: today, London)' })
  @IsOptional() @IsCalendarDate()
  to?: string;
}

export class StatementAllocationResponse {
  @ApiProperty() paymentId: string;
  @ApiProperty() invoiceId: string;
  @ApiProperty() invoiceNumber: string;
  @ApiProperty() amountPence: number;
  @ApiProperty({ format: 'date' }) receivedOn: string;
}

export class StatementEntryResponse {
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ enum: ['invoice', 'credit_note', 'remittance', 'payment'] }) type: 'invoice' | 'credit_note' | 'remittance' | 'payment';
  @ApiProperty({ description: 'What the entry is, in words' }) description: string;
  @ApiPropertyOptional({ description: 'Invoice or credit note' }) documentId?: string;
  @ApiPropertyOptional({ example: 'INV-000001' }) number?: string;
  @ApiPropertyOptional({ format: 'date', description: "An invoice's due date" }) dueDate?: string;
  @ApiPropertyOptional() remittanceId?: string;
  @ApiPropertyOptional() paymentId?: string;
  @ApiPropertyOptional({ description: "A payment's or remittance's reference; a credit note's reason" }) reference?: string;
  @ApiPropertyOptional({ enum: PAYMENT_METHODS }) method?: PaymentMethod;
  @ApiPropertyOptional({ type: [String], description: 'A credit note: the invoices it credits; a payment: the invoice it pays' }) invoiceNumbers?: string[];
  @ApiPropertyOptional({ type: [StatementAllocationResponse], description: "A remittance: its allocations made by the statement's end" })
  allocations?: StatementAllocationResponse[];
  @ApiProperty({ description: 'Invoices' }) debitPence: number;
  @ApiProperty({ description: 'Credit notes, remittances, payments' }) creditPence: number;
  @ApiProperty({ description: 'The balance after this entry (positive: owed to the provider)' }) balancePence: number;
}

export class AgeingResponse {
  @ApiProperty({ description: 'Not yet due' }) currentPence: number;
  @ApiProperty({ description: '0–30 days past the due date' }) days0to30Pence: number;
  @ApiProperty({ description: '31–60 days past due' }) days31to60Pence: number;
  @ApiProperty({ description: '61–90 days past due' }) days61to90Pence: number;
  @ApiProperty({ description: 'Over 90 days past due' }) over90Pence: number;
  @ApiProperty({ description: 'The sum of the buckets: everything outstanding on invoices' }) totalPence: number;
}

export class OpenInvoiceResponse {
  @ApiProperty() documentId: string;
  @ApiProperty() number: string;
  @ApiProperty({ format: 'date' }) issueDate: string;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty() totalPence: number;
  @ApiProperty({ description: 'As at `to`; below 0 when credited after being paid' }) outstandingPence: number;
  @ApiProperty({ description: 'Days past the due date as at `to` (negative: not yet due)' }) daysPastDue: number;
}

export class StatementAccountResponse {
  @ApiProperty({ enum: ['commissioner', 'budget_holder'] }) type: 'commissioner' | 'budget_holder';
  @ApiProperty({ description: 'The council, or the budget holder' }) name: string;
  @ApiPropertyOptional({ description: "The council's code" }) code?: string;
  @ApiPropertyOptional({ description: "The budget's reference" }) reference?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) address?: string | null;
}

export class StatementResponse {
  @ApiProperty({ description: "The council (for a budget: the budget's commissioner)" }) commissionerId: string;
  @ApiPropertyOptional({ description: 'A budget statement: the direct-payment budget' }) budgetId?: string;
  @ApiProperty({ type: StatementAccountResponse }) account: StatementAccountResponse;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date', description: 'Also the date the debt is aged at' }) to: string;
  @ApiProperty({ description: 'Owed at the end of the day before `from` (positive: owed to the provider)' }) openingBalancePence: number;
  @ApiProperty({ type: [StatementEntryResponse], description: 'Documents, remittances and payments dated from `from` to `to`' })
  entries: StatementEntryResponse[];
  @ApiProperty() totalDebitPence: number;
  @ApiProperty() totalCreditPence: number;
  @ApiProperty({ description: 'openingBalancePence + totalDebitPence − totalCreditPence: owed at the end of `to`, net of money on account' })
  closingBalancePence: number;
  @ApiProperty({ description: 'Remittance money received by `to` and not allocated to an invoice by then (0 for a budget)' }) onAccountPence: number;
  @ApiProperty({ description: 'Paid on invoices that credit notes later reduced below what was paid: owed back to the payer' }) overpaidPence: number;
  @ApiProperty({
    type: AgeingResponse,
    description: 'What is outstanding on invoices as at `to`, by days past the due date. closingBalancePence = ageing.totalPence − onAccountPence − overpaidPence',
  })
  ageing: AgeingResponse;
  @ApiProperty({ type: [OpenInvoiceResponse], description: 'Invoices with something outstanding as at `to`' }) openInvoices: OpenInvoiceResponse[];
}
