import { formatSterling } from '../../common/money.js';
import type { AppConfig } from '../../config/app-config.js';
import { drawSupplier, longDate, MARGIN, startPdf, WIDTH } from './invoice-pdf.js';
import { PAYMENT_METHOD_LABELS } from '../payments/payment-method.js';
import type { ReceiptFacts } from '../payments/payments.repository.js';

const weekday = (date: string) =>
  new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));

/**
 * An itemised receipt for one payment, as pre-paid card schemes ask families for: who paid, when and
 * how, the invoice it paid, and what it paid for. For a budget holder's invoice each line names the
 * child, the programme, the term and every session (date and times) the line charged; for a council's
 * invoice the lines are listed by programme, term and quantity (no child is named).
 */
export function renderReceiptPdf(facts: ReceiptFacts, provider: AppConfig['provider']): Promise<Buffer> {
  const { pdf, done } = startPdf(`Receipt for ${facts.invoice.number}`, provider.name);
  drawSupplier(pdf, provider);
  drawReferences(pdf, facts);
  drawPayer(pdf, facts);
  pdf.moveDown(1).font('Helvetica-Bold').fontSize(11).text('What this payment is for', MARGIN, pdf.y, { width: WIDTH });
  for (const line of facts.lines) drawLine(pdf, line, facts.invoice.recipientType === 'budget_holder');
  drawTotals(pdf, facts);
  pdf.moveDown(2).font('Helvetica').fontSize(9).text('Thank you for your payment.', MARGIN, pdf.y, { width: WIDTH });
  pdf.end();
  return done;
}

/** The title and the payment's references, top right. */
function drawReferences(pdf: PDFKit.PDFDocument, { payment, invoice, remittanceReference }: ReceiptFacts): void {
  pdf.font('Helvetica-Bold').fontSize(20).text('RECEIPT', MARGIN, MARGIN, { width: WIDTH, align: 'right' });
  pdf.font('Helvetica').fontSize(10);
  const references: Array<[string, string]> = [
    ['Receipt', payment.id],
    ['Date received', longDate(payment.receivedOn)],
    ['Invoice number', invoice.number],
    ['Payment method', `${PAYMENT_METHOD_LABELS[payment.method]} (${payment.method})`],
    ['Payment reference', payment.reference],
    ...(remittanceReference ? ([['Remittance', remittanceReference]] as Array<[string, string]>) : []),
  ];
  for (const [label, value] of references) pdf.text(`${label}: ${value}`, { width: WIDTH, align: 'right' });
}

/** Who paid, how much, when and how. */
function drawPayer(pdf: PDFKit.PDFDocument, { payment, invoice, commissionerName }: ReceiptFacts): void {
  pdf.moveDown(2);
  pdf.font('Helvetica-Bold').fontSize(10).text('Received from', MARGIN, Math.max(pdf.y, 170));
  pdf.font('Helvetica').text(invoice.recipientName);
  if (invoice.recipientType === 'budget_holder') pdf.text(`Direct payment budget holder (${commissionerName})`);
  for (const line of (invoice.recipientAddress ?? '').split(/\s*[\n|]\s*/).filter(Boolean)) pdf.text(line);

  pdf.moveDown(1.5);
  pdf.font('Helvetica-Bold').fontSize(14).text(`Amount received: ${formatSterling(payment.amountPence)}`, MARGIN, pdf.y, { width: WIDTH });
  pdf.font('Helvetica').fontSize(10);
  pdf.text(`Paid by ${PAYMENT_METHOD_LABELS[payment.method].toLowerCase()} on ${longDate(payment.receivedOn)} (${payment.receivedOn}) towards invoice ${invoice.number}.`, {
    width: WIDTH,
  });
}

/** One invoice line: for a budget holder, the child, programme, term and each session; for a council, programme, term and quantity. */
function drawLine(pdf: PDFKit.PDFDocument, line: ReceiptFacts['lines'][number], forBudgetHolder: boolean): void {
  if (pdf.y > 700) pdf.addPage();
  pdf.moveDown(0.5).font('Helvetica').fontSize(10);
  if (forBudgetHolder) {
    pdf.font('Helvetica-Bold').text(`Child: ${line.children.join(', ') || '—'}`, MARGIN, pdf.y, { width: WIDTH });
    pdf.font('Helvetica');
    pdf.text(`Programme: ${line.programmeName}`, { width: WIDTH });
    pdf.text(`Term: ${line.termName}`, { width: WIDTH });
    pdf.text(`Sessions paid for (${line.sessions.length}), ${line.periodStart} to ${line.periodEnd}:`, { width: WIDTH });
    for (const s of line.sessions) {
      if (pdf.y > 770) pdf.addPage();
      pdf.text(`   ${weekday(s.date)} ${longDate(s.date)} (${s.date}), ${s.startTime}–${s.endTime}`, MARGIN, pdf.y, { width: WIDTH });
    }
  } else {
    pdf.font('Helvetica-Bold').text(`Programme: ${line.programmeName}`, MARGIN, pdf.y, { width: WIDTH });
    pdf.font('Helvetica');
    pdf.text(`Term: ${line.termName}, ${line.periodStart} to ${line.periodEnd}`, { width: WIDTH });
    pdf.text(`Quantity: ${line.quantity} (${line.description})`, { width: WIDTH });
  }
  pdf.text(`Line amount: ${formatSterling(line.amountPence + line.vatPence)}${line.vatPence ? ` (VAT ${formatSterling(line.vatPence)})` : ''}`, {
    width: WIDTH,
  });
}

/** The invoice's total, credits, what has been paid and what is still to pay. */
function drawTotals(pdf: PDFKit.PDFDocument, { payment, invoice }: ReceiptFacts): void {
  pdf.moveDown(1.5);
  if (pdf.y > 720) pdf.addPage();
  const total = (label: string, pence: number, bold = false) => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    const y = pdf.y;
    pdf.text(label, MARGIN + 200, y, { width: 200 });
    pdf.text(formatSterling(pence), MARGIN + 400, y, { width: WIDTH - 400, align: 'right' });
  };
  total(`Invoice ${invoice.number} total`, invoice.totalPence);
  if (invoice.creditedPence) total('Credited', -invoice.creditedPence);
  total('Paid to date, this payment included', payment.paidSoFarPence);
  total('This payment', payment.amountPence, true);
  total('Still to pay on this invoice', invoice.totalPence - invoice.creditedPence - payment.paidSoFarPence, true);
}
