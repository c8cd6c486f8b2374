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

/** The layouts GET /finance-exports/:id/file?layout= writes. */
export const EXPORT_LAYOUTS = ['standard', 'standard-v2', 'xero'] as const;
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/** standard-v2: the v1 columns, then these. */
export const FINANCE_EXPORT_HEADER_V2 = [...FINANCE_EXPORT_HEADER, 'council_client_id', 'vat_code', 'nominal_code', 'department_code'] as const;

/** Xero's sales-invoice import template (Business → Invoices → Import), column for column. */
export const XERO_HEADER = [
  '*ContactName',
  'EmailAddress',
  'POAddressLine1',
  'POAddressLine2',
  'POAddressLine3',
  'POAddressLine4',
  'POCity',
  'PORegion',
  'POPostalCode',
  'POCountry',
  '*InvoiceNumber',
  'Reference',
  '*InvoiceDate',
  '*DueDate',
  'InventoryItemCode',
  '*Description',
  '*Quantity',
  '*UnitAmount',
  'Discount',
  '*AccountCode',
  '*TaxType',
  'TrackingName1',
  'TrackingOption1',
  'TrackingName2',
  'TrackingOption2',
  'Currency',
  'BrandingTheme',
] as const;

/**
 * One row of a document line: the entries of one place (or one place's sessions at one price) on it, as
 * the export query selects them (amounts in pence; quantity × unit_pence = net_pence).
 */
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
  recipient_type?: 'commissioner' | 'budget_holder';
  recipient_email?: string | null;
  recipient_address?: string | null;
  council_id?: string | null;
  vat_treatment?: 'exempt' | 'standard' | 'zero' | 'outside_scope';
  vat_rate_basis_points?: number;
  nominal_code?: string | null;
  department_code?: string | null;
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

/** The header line of a layout. */
export function headerLine(layout: ExportLayout): string {
  switch (layout) {
    case 'standard':
      return CSV_HEADER_LINE;
    case 'standard-v2':
      return csvLine([...FINANCE_EXPORT_HEADER_V2]);
    case 'xero':
      return csvLine([...XERO_HEADER]);
  }
}

/** The usual UK ledger VAT codes: S standard, Z zero-rated, E exempt, O outside the scope. */
export const VAT_CODES = { standard: 'S', zero: 'Z', exempt: 'E', outside_scope: 'O' } as const;

/** Xero UK's tax-rate display names. */
export function xeroTaxType(u: Pick<ExportUnit, 'vat_treatment' | 'vat_rate_basis_points'>): string {
  switch (u.vat_treatment ?? 'exempt') {
    case 'standard': {
      const bp = u.vat_rate_basis_points ?? 0;
      const percent = bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(2).replace(/0+$/, '');
      return `${percent}% (VAT on Income)`;
    }
    case 'zero':
      return 'Zero Rated Income';
    case 'exempt':
      return 'Exempt Income';
    case 'outside_scope':
      return 'No VAT';
  }
}

/** '2026-11-26' → '26/11/2026' */
const ukDate = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/** A recipient's address as Xero's four lines and postcode (a budget holder's last line is the postcode). */
function xeroAddress(u: ExportUnit): { lines: string[]; postcode: string } {
  const parts = (u.recipient_address ?? '').split(/\s*[\n|]\s*/).filter(Boolean);
  const postcode = u.recipient_type === 'budget_holder' && parts.length > 1 ? parts.pop()! : '';
  const lines = parts.length > 4 ? [...parts.slice(0, 3), parts.slice(3).join(', ')] : parts;
  return { lines: [...lines, '', '', '', ''].slice(0, 4), postcode };
}

/** A row of `layout`. */
export function layoutRow(layout: ExportLayout, u: ExportUnit): string {
  switch (layout) {
    case 'standard':
      return exportRow(u);
    case 'standard-v2':
      return (
        exportRow(u).slice(0, -2) +
        ',' +
        csvLine([csvText(u.council_id ?? null), VAT_CODES[u.vat_treatment ?? 'exempt'], csvText(u.nominal_code ?? null), csvText(u.department_code ?? null)])
      );
    case 'xero': {
      const sign = u.document_type === 'credit_note' ? -1 : 1;
      const address = xeroAddress(u);
      const who = u.council_id ? `${u.budget_reference} / ${u.council_id}` : u.budget_reference;
      // every text field through the formula-injection guard; quantities and amounts stay numbers
      return csvLine([
        csvText(u.customer_name),
        csvText(u.recipient_email ?? null),
        ...address.lines.map((line) => csvText(line)),
        null,
        null,
        csvText(address.postcode || null),
        null,
        csvText(u.document_number),
        csvText(u.po_number),
        ukDate(u.issue_date),
        ukDate(u.due_date),
        null,
        csvText(`${u.description} (${who})`),
        sign * u.quantity,
        formatPounds(u.unit_pence),
        null,
        csvText(u.nominal_code ?? null),
        xeroTaxType(u),
        u.department_code ? 'Department' : null,
        csvText(u.department_code ?? null),
        null,
        null,
        'GBP',
        null,
      ]);
    }
  }
}

/** A row of the standard layout: amounts in pounds with two decimals, negative for a credit note (quantity stays positive). */
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
