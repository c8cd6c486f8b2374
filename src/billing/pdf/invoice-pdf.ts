import PDFDocument from 'pdfkit';
import { formatSterling } from '../../common/money.js';
import type { AppConfig } from '../../config/app-config.js';
import type { InvoiceResponse } from '../documents/dto/invoice.dto.js';

export interface PdfContext {
  provider: AppConfig['provider'];
  termNames: Map<string, string>;
  commissionerName: string | null;
}

// Shared with the other money PDFs (receipts, statements): page geometry, dates, the supplier block.
export const MARGIN = 50;
export const WIDTH = 595.28 - 2 * MARGIN; // A4
const COLUMNS = { description: 0, period: 180, quantity: 285, unit: 315, net: 380, vat: 440 };

export const longDate = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

/** A new A4 document and the promise of its bytes once `end()` is called. */
export function startPdf(title: string, author: string): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const pdf = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title, Author: author } });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return { pdf, done };
}

/** The supplier's name, address and contact details at the top left of the first page. */
export function drawSupplier(pdf: PDFKit.PDFDocument, provider: AppConfig['provider']): void {
  pdf.font('Helvetica-Bold').fontSize(16).text(provider.name, MARGIN, MARGIN);
  pdf.font('Helvetica').fontSize(9);
  for (const line of provider.addressLines) pdf.text(line);
  if (provider.email) pdf.text(provider.email);
  if (provider.phone) pdf.text(provider.phone);
  if (provider.vatNumber) pdf.text(`VAT registration number: ${provider.vatNumber}`);
}

/** The exempt-supply wording a charity's invoice must carry (VATA 1994 Schedule 9 Group 7). */
export const EXEMPT_VAT_STATEMENT = 'Exempt from VAT: welfare services supplied by a charity (VATA 1994 Schedule 9 Group 7)';

/** What the document says in words about VAT, by the treatments of its lines. */
export function vatStatements(document: Pick<InvoiceResponse, 'lines'>): string[] {
  const treatments = new Set(document.lines.map((l) => l.vatTreatment));
  const statements: string[] = [];
  if (treatments.has('exempt')) statements.push(EXEMPT_VAT_STATEMENT);
  if (treatments.has('zero')) statements.push('Zero-rated for VAT');
  if (treatments.has('outside_scope')) statements.push('Outside the scope of VAT');
  return statements;
}

/**
 * The invoice or credit note as a council's accounts-payable team expects it: supplier and customer
 * names and addresses, purchase order, number, dates, lines with period, quantity, unit price and amounts,
 * VAT and total, and a schedule of the participants' personal-budget references. Budget references are
 * the only thing about participants on it: no names, no health data.
 */
export function renderInvoicePdf(document: InvoiceResponse, context: PdfContext): Promise<Buffer> {
  const { pdf, done } = startPdf(document.number, context.provider.name);
  drawSupplier(pdf, context.provider);
  drawReferences(pdf, document);
  drawCustomer(pdf, document, context);
  drawLines(pdf, document, context);
  drawTotals(pdf, document);
  if (document.kind !== 'credit_note') drawPaymentRequest(pdf, document, context.provider);
  drawParticipantSchedule(pdf, document);
  pdf.end();
  return done;
}

/** The title and the document's references, top right. */
function drawReferences(pdf: PDFKit.PDFDocument, document: InvoiceResponse): void {
  const isCredit = document.kind === 'credit_note';
  pdf.font('Helvetica-Bold').fontSize(20).text(isCredit ? 'CREDIT NOTE' : 'INVOICE', MARGIN, MARGIN, { width: WIDTH, align: 'right' });
  pdf.font('Helvetica').fontSize(10);
  const references: Array<[string, string]> = [
    [isCredit ? 'Credit note number' : 'Invoice number', document.number],
    ['Issue date', longDate(document.issueDate)],
    [isCredit ? 'Date' : 'Due date', longDate(document.dueDate)],
    ...(document.recipient.type === 'commissioner' ? [['Purchase order', document.poNumber ?? '—'] as [string, string]] : []),
    ['Customer code', document.recipient.customerCode],
  ];
  for (const [label, value] of references) pdf.text(`${label}: ${value}`, { width: WIDTH, align: 'right' });
}

/** Who is billed (or credited), and why a credit note was issued. */
function drawCustomer(pdf: PDFKit.PDFDocument, document: InvoiceResponse, context: PdfContext): void {
  pdf.moveDown(2);
  const top = Math.max(pdf.y, 170);
  pdf.font('Helvetica-Bold').fontSize(10).text(document.kind === 'credit_note' ? 'Credit to' : 'Bill to', MARGIN, top);
  pdf.font('Helvetica').text(document.recipient.name);
  if (document.recipient.type === 'budget_holder') {
    pdf.text(`Direct payment budget holder${context.commissionerName ? ` (${context.commissionerName})` : ''}`);
  }
  for (const line of (document.recipient.address ?? '').split(/\s*[\n|]\s*/).filter(Boolean)) pdf.text(line);
  if (document.recipient.email) pdf.text(document.recipient.email);
  if (document.reason) {
    pdf.moveDown(0.5).font('Helvetica-Oblique').text(`Reason: ${document.reason}`, { width: WIDTH });
  }
}

/** One row of the lines table; the next row starts below its tallest cell. */
function drawRow(pdf: PDFKit.PDFDocument, y: number, cells: Record<keyof typeof COLUMNS, string>): void {
  pdf.text(cells.description, MARGIN + COLUMNS.description, y, { width: 172 });
  let bottom = pdf.y;
  pdf.text(cells.period, MARGIN + COLUMNS.period, y, { width: 100 });
  bottom = Math.max(bottom, pdf.y);
  pdf.text(cells.quantity, MARGIN + COLUMNS.quantity, y, { width: 25, align: 'right' });
  pdf.text(cells.unit, MARGIN + COLUMNS.unit, y, { width: 60, align: 'right' });
  pdf.text(cells.net, MARGIN + COLUMNS.net, y, { width: 55, align: 'right' });
  pdf.text(cells.vat, MARGIN + COLUMNS.vat, y, { width: WIDTH - COLUMNS.vat, align: 'right' });
  pdf.y = Math.max(bottom, pdf.y) + 4;
}

/** The lines table: description, period, quantity, unit price, net and VAT. */
function drawLines(pdf: PDFKit.PDFDocument, document: InvoiceResponse, context: PdfContext): void {
  pdf.moveDown(1.5);
  const header = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(9);
  drawRow(pdf, header, { description: 'Description', period: 'Period', quantity: 'Qty', unit: 'Unit price', net: 'Net', vat: 'VAT' });
  pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + WIDTH, pdf.y).stroke();
  pdf.y += 4;
  pdf.font('Helvetica').fontSize(9);
  for (const line of document.lines) {
    if (pdf.y > 720) pdf.addPage();
    const term = context.termNames.get(line.termId);
    drawRow(pdf, pdf.y, {
      description: line.description,
      period: `${term ? `${term}: ` : ''}${line.periodStart} to ${line.periodEnd}`,
      quantity: String(line.quantity),
      unit: formatSterling(line.unitPence),
      net: formatSterling(line.amountPence),
      vat: formatSterling(line.vatPence),
    });
  }
  pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + WIDTH, pdf.y).stroke();
  pdf.y += 6;
}

/** Net, VAT and total, then what the document says about VAT. */
function drawTotals(pdf: PDFKit.PDFDocument, document: InvoiceResponse): void {
  pdf.font('Helvetica').fontSize(10);
  const total = (label: string, pence: number, bold = false) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const y = pdf.y;
    pdf.text(label, MARGIN + 300, y, { width: 110 });
    pdf.text(formatSterling(pence), MARGIN + 410, y, { width: WIDTH - 410, align: 'right' });
  };
  total('Net', document.netPence);
  total('VAT', document.vatPence);
  total(document.kind === 'credit_note' ? 'Total credited' : 'Total due', document.totalPence, true);
  const statements = vatStatements(document);
  if (statements.length) {
    pdf.moveDown(0.8).font('Helvetica').fontSize(9);
    for (const statement of statements) pdf.text(statement, MARGIN, pdf.y, { width: WIDTH });
  }
}

/** An invoice's request for payment: by when, quoting what, and how. */
function drawPaymentRequest(pdf: PDFKit.PDFDocument, document: InvoiceResponse, provider: AppConfig['provider']): void {
  pdf.moveDown(1.5).font('Helvetica').fontSize(9);
  pdf.text(`Please pay by ${longDate(document.dueDate)}, quoting ${document.number}${document.poNumber ? ` and purchase order ${document.poNumber}` : ''}.`, MARGIN, pdf.y, {
    width: WIDTH,
  });
  if (provider.paymentDetails) pdf.text(provider.paymentDetails, { width: WIDTH });
}

/** Each line's personal-budget references (with the council's client id, when recorded), in a grid. */
function drawParticipantSchedule(pdf: PDFKit.PDFDocument, document: InvoiceResponse): void {
  pdf.moveDown(1.5);
  if (pdf.y > 680) pdf.addPage();
  pdf.font('Helvetica-Bold').fontSize(11).text('Schedule of participants (personal budget reference / council client id)', MARGIN, pdf.y, { width: WIDTH });
  pdf.font('Helvetica').fontSize(9);
  document.lines.forEach((line, i) => {
    if (pdf.y > 740) pdf.addPage();
    pdf.moveDown(0.5).font('Helvetica-Bold').text(`Line ${i + 1}: ${line.description} (${line.quantity})`, MARGIN, pdf.y, { width: WIDTH });
    pdf.font('Helvetica');
    // a grid of references, never broken across lines
    const perRow = 3;
    const cell = WIDTH / perRow;
    const references = line.references ?? line.budgetReferences.map((budgetReference) => ({ budgetReference, councilId: null }));
    for (let start = 0; start < references.length; start += perRow) {
      if (pdf.y > 770) pdf.addPage();
      const y = pdf.y;
      references.slice(start, start + perRow).forEach((r, k) => {
        pdf.text(r.councilId ? `${r.budgetReference} / ${r.councilId}` : r.budgetReference, MARGIN + k * cell, y, { width: cell - 6, lineBreak: false, ellipsis: true });
      });
      pdf.y = y + 12;
    }
  });
}
