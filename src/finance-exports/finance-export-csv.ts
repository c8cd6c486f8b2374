import { formatPounds } from '../common/money.js';

/** The finance ledger's import format: one row per document line per budget reference. */
export const FINANCE_EXPORT_HEADER = [
  'document_number',
  'document_type',
  'issue_date',
  'due_date',
  'customer_code',
  'customer_name',
  'po_number',
  'budget_reference',
  'description',
  'quantity',
  'unit_price',
  'net_amount',
  'vat_amount',
  'gross_amount',
] as const;

/** One participant unit of a document line, as the export query selects it (amounts in pence). */
export interface ExportUnit {
  document_number: string;
  document_type: 'invoice' | 'credit_note';
  issue_date: string;
  due_date: string;
  customer_code: string;
  customer_name: string;
  po_number: string | null;
  budget_reference: string;
  description: string;
  quantity: number;
  unit_pence: number;
  net_pence: number;
  vat_pence: number;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one)
 * as a formula — `=HYPERLINK(...)`, `=cmd|'/c calc'!A1`. Text fields that start so are written with a
 * leading apostrophe, which spreadsheets take as "this is text" and do not show. Only text fields: the
 * amount columns are numbers written by the service, and a credit's -12.50 must stay a number.
 */
export function csvText(value: string | null): string | null {
  return value !== null && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvLine(fields: Array<string | number | null>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export const CSV_HEADER_LINE = csvLine([...FINANCE_EXPORT_HEADER]);

/** A row of the export: amounts in pounds with two decimals, negative for a credit note (quantity stays positive). */
export function exportRow(u: ExportUnit): string {
  const sign = u.document_type === 'credit_note' ? -1 : 1;
  return csvLine([
    csvText(u.document_number),
    csvText(u.document_type),
    csvText(u.issue_date),
    csvText(u.due_date),
    csvText(u.customer_code),
    csvText(u.customer_name),
    csvText(u.po_number),
    csvText(u.budget_reference),
    csvText(u.description),
    u.quantity,
    formatPounds(sign * u.unit_pence),
    formatPounds(sign * u.net_pence),
    formatPounds(sign * u.vat_pence),
    formatPounds(sign * (u.net_pence + u.vat_pence)),
  ]);
}
