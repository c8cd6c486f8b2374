import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/validation.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../../billing/payments/payment-method.js';

export class StatementQuery {
  @ApiPropertyOptional({ format: 'date', description: 'First day of the period (default: the first day anything happened on the account)' })
  @IsOptional() @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last day of the period and the date the debt is aged at (default: today, London)' })
  @IsOptional() @IsCalendarDate()
  to?: string;
}

export class StatementAllocationResponse {
  @ApiProperty({ format: 'uuid' }) paymentId: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty() invoiceNumber: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty({ format: 'date' }) receivedOn: string;
}

export class StatementEntryResponse {
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({ enum: ['invoice', 'credit_note', 'remittance', 'payment'] }) type: 'invoice' | 'credit_note' | 'remittance' | 'payment';
  @ApiProperty({ description: 'What the entry is, in words' }) description: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Invoice or credit note' }) documentId?: string;
  @ApiPropertyOptional({ example: 'INV-000001' }) number?: string;
  @ApiPropertyOptional({ format: 'date', description: "An invoice's due date" }) dueDate?: string;
  @ApiPropertyOptional({ format: 'uuid' }) remittanceId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) paymentId?: string;
  @ApiPropertyOptional({ description: "A payment's or remittance's reference; a credit note's reason" }) reference?: string;
  @ApiPropertyOptional({ enum: PAYMENT_METHODS }) method?: PaymentMethod;
  @ApiPropertyOptional({ type: [String], description: 'A credit note: the invoices it credits; a payment: the invoice it pays' }) invoiceNumbers?: string[];
  @ApiPropertyOptional({ type: [StatementAllocationResponse], description: "A remittance: its allocations made by the statement's end" })
  allocations?: StatementAllocationResponse[];
  @ApiProperty({ type: 'integer', description: 'Invoices' }) debitPence: number;
  @ApiProperty({ type: 'integer', description: 'Credit notes, remittances, payments' }) creditPence: number;
  @ApiProperty({ type: 'integer', description: 'The balance after this entry (positive: owed to the provider)' }) balancePence: number;
}

export class AgeingResponse {
  @ApiProperty({ type: 'integer', description: 'Not yet due' }) currentPence: number;
  @ApiProperty({ type: 'integer', description: '0–30 days past the due date' }) days0to30Pence: number;
  @ApiProperty({ type: 'integer', description: '31–60 days past due' }) days31to60Pence: number;
  @ApiProperty({ type: 'integer', description: '61–90 days past due' }) days61to90Pence: number;
  @ApiProperty({ type: 'integer', description: 'Over 90 days past due' }) over90Pence: number;
  @ApiProperty({ type: 'integer', description: 'The sum of the buckets: everything outstanding on invoices' }) totalPence: number;
}

export class OpenInvoiceResponse {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() number: string;
  @ApiProperty({ format: 'date' }) issueDate: string;
  @ApiProperty({ format: 'date' }) dueDate: string;
  @ApiProperty({ type: 'integer' }) totalPence: number;
  @ApiProperty({ type: 'integer', description: 'As at `to`; below 0 when credited after being paid' }) outstandingPence: number;
  @ApiProperty({ type: 'integer', description: 'Days past the due date as at `to` (negative: not yet due)' }) daysPastDue: number;
}

export class StatementAccountResponse {
  @ApiProperty({ enum: ['commissioner', 'budget_holder'] }) type: 'commissioner' | 'budget_holder';
  @ApiProperty({ description: 'The council, or the budget holder' }) name: string;
  @ApiPropertyOptional({ description: "The council's code" }) code?: string;
  @ApiPropertyOptional({ description: "The budget's reference" }) reference?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) address?: string | null;
}

export class StatementResponse {
  @ApiProperty({ format: 'uuid', description: "The council (for a budget: the budget's commissioner)" }) commissionerId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A budget statement: the direct-payment budget' }) budgetId?: string;
  @ApiProperty({ type: StatementAccountResponse }) account: StatementAccountResponse;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date', description: 'Also the date the debt is aged at' }) to: string;
  @ApiProperty({ type: 'integer', description: 'Owed at the end of the day before `from` (positive: owed to the provider)' }) openingBalancePence: number;
  @ApiProperty({ type: [StatementEntryResponse], description: 'Documents, remittances and payments dated from `from` to `to`' })
  entries: StatementEntryResponse[];
  @ApiProperty({ type: 'integer' }) totalDebitPence: number;
  @ApiProperty({ type: 'integer' }) totalCreditPence: number;
  @ApiProperty({ type: 'integer', description: 'openingBalancePence + totalDebitPence − totalCreditPence: owed at the end of `to`, net of money on account' })
  closingBalancePence: number;
  @ApiProperty({ type: 'integer', description: 'Remittance money received by `to` and not allocated to an invoice by then (0 for a budget)' }) onAccountPence: number;
  @ApiProperty({ type: 'integer', description: 'Paid on invoices that credit notes later reduced below what was paid: owed back to the payer' }) overpaidPence: number;
  @ApiProperty({
    type: AgeingResponse,
    description: 'What is outstanding on invoices as at `to`, by days past the due date. closingBalancePence = ageing.totalPence − onAccountPence − overpaidPence',
  })
  ageing: AgeingResponse;
  @ApiProperty({ type: [OpenInvoiceResponse], description: 'Invoices with something outstanding as at `to`' }) openInvoices: OpenInvoiceResponse[];
}
