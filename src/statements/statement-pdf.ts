import { drawSupplier, longDate, MARGIN, startPdf, WIDTH } from '../billing/pdf/invoice-pdf.js';
import { formatSterling } from '../common/money.js';
import type { AppConfig } from '../config/app-config.js';
import type { StatementResponse } from './dto/statement.dto.js';

const COLUMNS = { date: 0, details: 62, debit: 300, credit: 365, balance: 430 };
const money = (pence: number) => (pence === 0 ? '' : formatSterling(pence));

/**
 * The statement as a payer reads it: supplier, customer, period; opening balance, each document,
 * remittance and payment with the running balance; closing balance, money on account and the ageing
 * of what is outstanding, with the invoices still open.
 */
export function renderStatementPdf(statement: StatementResponse, provider: AppConfig['provider']): Promise<Buffer> {
  const { pdf, done } = startPdf(`Statement ${statement.from} to ${statement.to}`, provider.name);
  drawSupplier(pdf, provider);
  drawHeading(pdf, statement);
  drawEntries(pdf, statement);
  drawBalance(pdf, statement);
  drawAgeing(pdf, statement);
  drawOpenInvoices(pdf, statement);
  if (provider.paymentDetails && statement.closingBalancePence > 0) {
    pdf.moveDown(1.5).font('Helvetica').fontSize(9).text(provider.paymentDetails, MARGIN, pdf.y, { width: WIDTH });
  }
  pdf.end();
  return done;
}

/** The title, the period and the account, then whom the statement is for. */
function drawHeading(pdf: PDFKit.PDFDocument, statement: StatementResponse): void {
  pdf.font('Helvetica-Bold').fontSize(20).text('STATEMENT', MARGIN, MARGIN, { width: WIDTH, align: 'right' });
  pdf.font('Helvetica').fontSize(10);
  pdf.text(`From ${longDate(statement.from)} to ${longDate(statement.to)}`, { width: WIDTH, align: 'right' });
  if (statement.account.code) pdf.text(`Customer code: ${statement.account.code}`, { width: WIDTH, align: 'right' });
  if (statement.account.reference) pdf.text(`Budget reference: ${statement.account.reference}`, { width: WIDTH, align: 'right' });

  pdf.moveDown(2);
  pdf.font('Helvetica-Bold').fontSize(10).text('Statement for', MARGIN, Math.max(pdf.y, 170));
  pdf.font('Helvetica').text(statement.account.name);
  if (statement.account.type === 'budget_holder') pdf.text('Direct payment budget holder');
  for (const line of (statement.account.address ?? '').split(/\s*[\n|]\s*/).filter(Boolean)) pdf.text(line);
}

/** One row of the entries table; the next row starts below its tallest cell. */
function drawRow(pdf: PDFKit.PDFDocument, y: number, cells: { date: string; details: string; debit: string; credit: string; balance: string }): void {
  pdf.text(cells.date, MARGIN + COLUMNS.date, y, { width: 60 });
  pdf.text(cells.details, MARGIN + COLUMNS.details, y, { width: COLUMNS.debit - COLUMNS.details - 8 });
  const bottom = pdf.y;
  pdf.text(cells.debit, MARGIN + COLUMNS.debit, y, { width: 60, align: 'right' });
  pdf.text(cells.credit, MARGIN + COLUMNS.credit, y, { width: 60, align: 'right' });
  pdf.text(cells.balance, MARGIN + COLUMNS.balance, y, { width: WIDTH - COLUMNS.balance, align: 'right' });
  pdf.y = Math.max(bottom, pdf.y) + 3;
}

/** Opening balance, each entry with the running balance, closing balance. */
function drawEntries(pdf: PDFKit.PDFDocument, statement: StatementResponse): void {
  pdf.moveDown(1.5);
  pdf.font('Helvetica-Bold').fontSize(9);
  drawRow(pdf, pdf.y, { date: 'Date', details: 'Details', debit: 'Debit', credit: 'Credit', balance: 'Balance' });
  pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + WIDTH, pdf.y).stroke();
  pdf.y += 4;
  pdf.font('Helvetica').fontSize(9);
  drawRow(pdf, pdf.y, { date: statement.from, details: 'Opening balance', debit: '', credit: '', balance: formatSterling(statement.openingBalancePence) });
  for (const entry of statement.entries) {
    if (pdf.y > 740) pdf.addPage();
    drawRow(pdf, pdf.y, {
      date: entry.date,
      details: entry.description,
      debit: money(entry.debitPence),
      credit: money(entry.creditPence),
      balance: formatSterling(entry.balancePence),
    });
  }
  pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + WIDTH, pdf.y).stroke();
  pdf.y += 4;
  pdf.font('Helvetica-Bold');
  drawRow(pdf, pdf.y, {
    date: statement.to,
    details: 'Closing balance',
    debit: money(statement.totalDebitPence),
    credit: money(statement.totalCreditPence),
    balance: formatSterling(statement.closingBalancePence),
  });
}

/** What is outstanding, less money on account and overpayments: the balance due. */
function drawBalance(pdf: PDFKit.PDFDocument, statement: StatementResponse): void {
  pdf.moveDown(1);
  if (pdf.y > 640) pdf.addPage();
  pdf.font('Helvetica').fontSize(10);
  const figure = (label: string, pence: number, bold = false) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const y = pdf.y;
    pdf.text(label, MARGIN, y, { width: 330 });
    pdf.text(formatSterling(pence), MARGIN + 330, y, { width: WIDTH - 330, align: 'right' });
  };
  figure('Outstanding on invoices', statement.ageing.totalPence);
  if (statement.onAccountPence) figure('Less money on account (received, not yet allocated)', -statement.onAccountPence);
  if (statement.overpaidPence) figure('Less overpaid on credited invoices', -statement.overpaidPence);
  figure(statement.closingBalancePence >= 0 ? 'Balance due' : 'Balance in your favour', statement.closingBalancePence, true);
}

/** The ageing of what is outstanding, by days past due. */
function drawAgeing(pdf: PDFKit.PDFDocument, statement: StatementResponse): void {
  pdf.moveDown(1).font('Helvetica-Bold').fontSize(11).text(`Ageing as at ${longDate(statement.to)} (days past due)`, MARGIN, pdf.y, { width: WIDTH });
  pdf.font('Helvetica').fontSize(9);
  const buckets: Array<[string, number]> = [
    ['Not yet due', statement.ageing.currentPence],
    ['0–30 days', statement.ageing.days0to30Pence],
    ['31–60 days', statement.ageing.days31to60Pence],
    ['61–90 days', statement.ageing.days61to90Pence],
    ['Over 90 days', statement.ageing.over90Pence],
    ['Total', statement.ageing.totalPence],
  ];
  const cell = WIDTH / buckets.length;
  const y = pdf.y + 4;
  buckets.forEach(([label, pence], i) => {
    pdf.font('Helvetica-Bold').text(label, MARGIN + i * cell, y, { width: cell - 4, align: 'right' });
    pdf.font('Helvetica').text(formatSterling(pence), MARGIN + i * cell, y + 12, { width: cell - 4, align: 'right' });
  });
  pdf.y = y + 30;
}

/** The invoices still outstanding, with how late each is. */
function drawOpenInvoices(pdf: PDFKit.PDFDocument, statement: StatementResponse): void {
  if (!statement.openInvoices.some((i) => i.outstandingPence > 0)) return;
  pdf.moveDown(0.5).font('Helvetica-Bold').fontSize(10).text('Invoices outstanding', MARGIN, pdf.y, { width: WIDTH });
  pdf.font('Helvetica').fontSize(9);
  for (const invoice of statement.openInvoices.filter((i) => i.outstandingPence > 0)) {
    if (pdf.y > 770) pdf.addPage();
    const line = pdf.y;
    const age = invoice.daysPastDue < 0 ? 'not yet due' : `${invoice.daysPastDue} days past due`;
    pdf.text(`${invoice.number} issued ${invoice.issueDate}, due ${invoice.dueDate} (${age})`, MARGIN, line, { width: 330 });
    pdf.text(formatSterling(invoice.outstandingPence), MARGIN + 330, line, { width: WIDTH - 330, align: 'right' });
  }
}
