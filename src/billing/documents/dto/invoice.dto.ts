import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../../common/pagination.js';
import { IsCalendarDate, IsId, IsOmittable, IsPence } from '../../../common/validation.js';
import { DEFAULT_PAYMENT_METHOD, PAYMENT_METHODS, type PaymentMethod } from '../../payments/payment-method.js';

export const DOCUMENT_KINDS = ['invoice', 'credit_note'] as const;
export const DOCUMENT_STATUSES = ['issued', 'paid', 'credited'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export class RecipientResponse {
  @ApiProperty({ enum: ['commissioner', 'budget_holder'] }) type: 'commissioner' | 'budget_holder';
  @ApiProperty({ format: 'uuid', description: 'The commissioner invoiced, or (for a budget holder) the commissioner of the budget' }) commissionerId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'For a budget holder: the direct-payment budget' }) budgetId?: string;
  @ApiProperty({ description: 'Snapshot taken when the document was issued' }) name: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional({ description: "The council's address (snapshot)" }) address?: string;
  @ApiProperty({ description: "The finance ledger's customer code" }) customerCode: string;
}

export class LineReferenceResponse {
  @ApiProperty({ description: "The participant's personal-budget reference" }) budgetReference: string;
  @ApiProperty({ type: String, nullable: true, description: "The participant's client id at the council (snapshot when issued)" }) councilId: string | null;
}

export class DocumentLineResponse {
  @ApiProperty({
    enum: ['census', 'late_joiner', 'sessions', 'cancelled_session'],
    description:
      'census: places counted at the census date; late_joiner: places taken after it, priced pro rata; sessions: a direct payment’s sessions; cancelled_session: (credit notes) the commissioner’s credit for cancelled sessions not made up, price ÷ sessions per place billed',
  })
  kind: 'census' | 'late_joiner' | 'sessions' | 'cancelled_session';
  @ApiProperty() description: string;
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'uuid' }) contractId: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty({ type: 'integer', description: 'Places (one budget reference each), or for a sessions line the sessions charged' }) quantity: number;
  @ApiProperty({ type: 'integer', description: "The registrations' price (fixed when each took its place); for a sessions line the base price of a session (the earliest sessions of a place cost a penny more when its price does not divide exactly)" })
  unitPence: number;
  @ApiProperty({ type: 'integer', description: 'Before VAT: quantity × unitPence for places; the sum of the sessions for a sessions line' }) amountPence: number;
  @ApiProperty({ type: 'integer', description: 'VAT per place (or base per session): the contract rate, rounded half up to whole pence' }) vatUnitPence: number;
  @ApiProperty({ type: 'integer', description: 'The sum of the VAT of each place or session' }) vatPence: number;
  @ApiProperty({ type: [String], description: "Each participant's personal-budget reference" }) budgetReferences: string[];
  @ApiProperty({ type: [LineReferenceResponse], description: 'Beside budgetReferences, in the same order: each with the council’s client id' })
  references: LineReferenceResponse[];
  @ApiProperty({ enum: ['exempt', 'standard', 'zero', 'outside_scope'] }) vatTreatment: 'exempt' | 'standard' | 'zero' | 'outside_scope';
  @ApiProperty({ type: 'integer' }) vatRateBasisPoints: number;
  @ApiProperty({ type: String, nullable: true }) nominalCode: string | null;
  @ApiProperty({ type: String, nullable: true }) departmentCode: string | null;
}

export class PlannedDocumentResponse {
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind: 'invoice' | 'credit_note';
  @ApiProperty({ type: RecipientResponse }) recipient: RecipientResponse;
  @ApiProperty({ format: 'date' }) issueDate: string;
  @ApiProperty({ format: 'date', description: "issueDate + the commissioner's paymentTermsDays (a credit note: its issue date)" })
  dueDate: string;
  @ApiProperty({ type: String, nullable: true, description: "The contract's purchase order" }) poNumber: string | null;
  @ApiProperty({ type: [DocumentLineResponse] }) lines: DocumentLineResponse[];
  @ApiProperty({ type: 'integer', description: 'Before VAT' }) netPence: number;
  @ApiProperty({ type: 'integer' }) vatPence: number;
  @ApiProperty({ type: 'integer', description: 'netPence + vatPence' }) totalPence: number;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'A credit note: the invoice it credits, when it credits one only' })
  creditedDocumentId: string | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
}

export class InvoiceResponse extends PlannedDocumentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'INV-000001', description: 'INV-nnnnnn or CN-nnnnnn, gapless per series' }) number: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'Null for a credit note issued by POST /invoices/:id/credit-notes' })
  billingRunId: string | null;
  @ApiProperty({
    enum: DOCUMENT_STATUSES,
    description: 'issued; paid (payments settle what credit notes left); credited (credit notes cover the whole invoice). Credit notes are always issued.',
  })
  status: DocumentStatus;
  @ApiProperty({ type: 'integer', description: 'Payments recorded against it (remittance allocations included)' }) paidPence: number;
  @ApiProperty({ type: 'integer', description: 'Credited by credit notes (full credits and backdated withdrawals)' }) creditedPence: number;
  @ApiProperty({
    type: 'integer',
    description: 'What is outstanding: totalPence − creditedPence − paidPence (0 for a credit note; below 0 when credited after being paid)',
  })
  balancePence: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class InvoicePage extends PageResponse {
  @ApiProperty({ type: [InvoiceResponse] }) items: InvoiceResponse[];
}

export class InvoiceQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() billingRunId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() commissionerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsId() budgetId?: string;
  @ApiPropertyOptional({ enum: DOCUMENT_KINDS }) @IsOptional() @IsIn(DOCUMENT_KINDS) kind?: 'invoice' | 'credit_note';
  @ApiPropertyOptional({ example: 'INV-000002', maxLength: 50, description: 'The document number, exactly' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50)
  number?: string;
  @ApiPropertyOptional({ enum: DOCUMENT_STATUSES, description: 'The derived status (a credit note is always issued)' })
  @IsOptional() @IsIn(DOCUMENT_STATUSES)
  status?: DocumentStatus;
  @ApiPropertyOptional({ format: 'date', example: '2026-12-31', description: 'Only documents due strictly before this date (YYYY-MM-DD)' })
  @IsOptional() @IsCalendarDate()
  dueBefore?: string;
}

export class CreateCreditNoteDto {
  @ApiProperty({ example: 'Wrong purchase order number: reissued' })
  @IsString() @MinLength(1) @MaxLength(1000)
  reason: string;
}

export class CreatePaymentDto {
  @ApiProperty({ type: 'integer', example: 45000, description: 'At most the balance still owed' }) @IsPence(1) amountPence: number;
  @ApiProperty({ format: 'date', description: "Not in the future, nor before the invoice's issue date (422)" }) @IsCalendarDate() receivedOn: string;
  @ApiProperty({ example: 'BACS 2026-12-01 CCC' }) @IsString() @MinLength(1) @MaxLength(200) reference: string;
  @ApiPropertyOptional({ enum: PAYMENT_METHODS, default: DEFAULT_PAYMENT_METHOD, description: 'prepaid_card: a council pre-paid card (direct payments)' })
  @IsOmittable() @IsIn(PAYMENT_METHODS)
  method?: PaymentMethod;
}

export class PaymentResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) invoiceId: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty({ format: 'date' }) receivedOn: string;
  @ApiProperty() reference: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) method: PaymentMethod;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The remittance this payment allocates, if any' }) remittanceId: string | null;
  @ApiProperty({ description: 'GET it for the PDF receipt' }) receiptUrl: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ enum: DOCUMENT_STATUSES, description: "The invoice's status after this payment" }) invoiceStatus: DocumentStatus;
  @ApiProperty({ type: 'integer', description: "The invoice's balance after this payment" }) balancePence: number;
}

export class AgedDebtQuery {
  @ApiPropertyOptional({ format: 'date', description: 'Age the debt as at this London date (default today)' })
  @IsOptional() @IsCalendarDate()
  asOf?: string;
}

export class AgedDebtRow {
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty() commissionerName: string;
  @ApiProperty() commissionerCode: string;
  @ApiProperty({
    enum: ['commissioner', 'budget_holders'],
    description: "commissioner: what the council owes; budget_holders: what the holders of its direct-payment budgets owe",
  })
  payer: 'commissioner' | 'budget_holders';
  @ApiProperty({ type: 'integer', description: 'Invoices with something outstanding' }) invoiceCount: number;
  @ApiProperty({ type: 'integer', description: 'Issued 0–30 days before asOf' }) days0To30Pence: number;
  @ApiProperty({ type: 'integer', description: 'Issued 31–60 days before asOf' }) days31To60Pence: number;
  @ApiProperty({ type: 'integer', description: 'Issued 61–90 days before asOf' }) days61To90Pence: number;
  @ApiProperty({ type: 'integer', description: 'Issued more than 90 days before asOf' }) over90DaysPence: number;
  @ApiProperty({ type: 'integer' }) outstandingPence: number;
}

export class AgedDebtResponse {
  @ApiProperty({ format: 'date' }) asOf: string;
  @ApiProperty({ enum: ['issueDate'], description: 'Debt is aged from each invoice’s issue date' }) agedFrom: 'issueDate';
  @ApiProperty({ type: [AgedDebtRow] }) commissioners: AgedDebtRow[];
  @ApiProperty({ type: 'integer', description: 'Everything outstanding' }) outstandingPence: number;
}
