import { drawSupplier, longDate, MARGIN, startPdf, WIDTH } from '../billing/pdf/invoice-pdf.js';
import { formatSterling } from '../common/money.js';
import type { AppConfig } from '../config/app-config.js';
import type { EqualityTableResponse } from '../monitoring-returns/dto/monitoring-return.dto.js';
import { OUTCOME_KIND_LABELS, type OutcomeKind } from '../outcomes/outcome-rules.js';
import type { TenderCriterionResponse, TenderEvidenceResponse } from './dto/tender-evidence.dto.js';

const STATUS_LABELS: Record<TenderCriterionResponse['status'], string> = { held: 'HELD', expiring: 'EXPIRING', expired: 'EXPIRED', missing: 'MISSING' };
const DOCUMENT_STATUS: Record<string, string> = { valid: 'valid', expiring: 'expiring', expired: 'EXPIRED', missing: 'MISSING' };

const outcomeLabel = (o: { kind: string; level: string | null; status: string }) =>
  `${OUTCOME_KIND_LABELS[o.kind as OutcomeKind]}${o.level ? ` ${o.level[0].toUpperCase()}${o.level.slice(1)}` : ''}: ${o.status === 'achieved' ? 'achieved' : 'working towards'}`;

type Pdf = PDFKit.PDFDocument;

function row(pdf: Pdf, label: string, value: string, bold = false): void {
  if (pdf.y > 770) pdf.addPage();
  const y = pdf.y;
  pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).text(label, MARGIN + 10, y, { width: 330 });
  const bottom = pdf.y;
  pdf.text(value, MARGIN + 340, y, { width: WIDTH - 340, align: 'right' });
  pdf.y = Math.max(bottom, pdf.y) + 1;
}

function heading(pdf: Pdf, text: string, status?: string): void {
  if (pdf.y > 700) pdf.addPage();
  pdf.moveDown(0.8);
  const y = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(10.5).text(text, MARGIN, y, { width: WIDTH - 90 });
  const bottom = pdf.y;
  if (status) pdf.text(status, MARGIN + WIDTH - 90, y, { width: 90, align: 'right' });
  pdf.y = Math.max(bottom, pdf.y);
  pdf.moveTo(MARGIN, pdf.y + 1).lineTo(MARGIN + WIDTH, pdf.y + 1).lineWidth(0.5).stroke();
  pdf.y += 4;
}

function note(pdf: Pdf, text: string): void {
  if (pdf.y > 770) pdf.addPage();
  pdf.font('Helvetica-Oblique').fontSize(8.5).text(text, MARGIN + 10, pdf.y, { width: WIDTH - 10 });
}

function documents(pdf: Pdf, c: TenderCriterionResponse): void {
  for (const d of c.documents) {
    const expiry = d.documentId === null ? '' : d.expiresOn ? `, expires ${longDate(d.expiresOn)}` : ', no expiry';
    const ref = d.reference ? ` (${d.reference})` : '';
    row(pdf, `${d.label}${ref}`, `${DOCUMENT_STATUS[d.status]}${expiry}`);
  }
}

function equalityTable(pdf: Pdf, title: string, table: EqualityTableResponse): void {
  const shown = table.rows.filter((r) => r.count !== 0);
  row(pdf, title, '', true);
  for (const r of shown) row(pdf, `   ${r.label}`, String(r.count));
  row(pdf, '   Total', String(table.total));
}

function criterionBody(pdf: Pdf, c: TenderCriterionResponse): void {
  documents(pdf, c);
  for (const s of c.staffDocuments ?? []) {
    row(pdf, s.label, `${s.held} held${s.expiring ? `, ${s.expiring} expiring` : ''}${s.expired ? `, ${s.expired} EXPIRED` : ''}`);
  }
  if (c.contracts) {
    if (c.contracts.length === 0) row(pdf, 'No contract in force in the last three years', 'MISSING');
    for (const k of c.contracts) {
      row(pdf, `${k.commissionerName}: ${k.reference}${k.programmes.length ? ` (${k.programmes.join(', ')})` : ''}, ${longDate(k.startsOn)} to ${longDate(k.endsOn)}`, formatSterling(k.valuePence));
    }
  }
  if (c.equality) {
    row(pdf, 'Young people who held a place in the period', String(c.equality.youngPeople));
    equalityTable(pdf, 'Gender', c.equality.breakdown.gender);
    equalityTable(pdf, 'Ethnic group (2021 Census categories)', c.equality.breakdown.ethnicity);
    equalityTable(pdf, 'Special educational needs: type of need', c.equality.breakdown.disabilityCategories);
  }
  if (c.outcomes) {
    const shown = c.outcomes.rows.filter((o) => o.count !== 0);
    if (shown.length === 0) row(pdf, 'No outcomes recorded in the period', '0');
    for (const o of shown) row(pdf, outcomeLabel(o), String(o.count));
    row(pdf, 'All outcomes', String(c.outcomes.total), true);
  }
  for (const n of c.notes) note(pdf, n);
}

/** The pack as a PDF to attach to a bid: title, provider, date, each criterion with its evidence and flags, the notes. */
export function renderTenderEvidencePdf(pack: TenderEvidenceResponse, provider: AppConfig['provider']): Promise<Buffer> {
  const { pdf, done } = startPdf(`Tender evidence ${pack.asOf}`, provider.name);
  drawSupplier(pdf, provider);
  pdf.font('Helvetica-Bold').fontSize(18).text('TENDER EVIDENCE', MARGIN, MARGIN, { width: WIDTH, align: 'right' });
  pdf.font('Helvetica').fontSize(10);
  pdf.text(`As at ${longDate(pack.asOf)}`, { width: WIDTH, align: 'right' });
  pdf.text(`Evidence period ${longDate(pack.periodStart)} to ${longDate(pack.periodEnd)}`, { width: WIDTH, align: 'right' });
  pdf.text(`${pack.counts.missing} missing, ${pack.counts.expired} expired`, { width: WIDTH, align: 'right' });
  pdf.y = Math.max(pdf.y, 150);
  const essentials = pack.criteria.filter((c) => c.essential);
  const weighted = pack.criteria.filter((c) => !c.essential);
  pdf.moveDown(1).font('Helvetica-Bold').fontSize(13).text('Essential criteria (pass or fail)', MARGIN, pdf.y, { width: WIDTH });
  for (const c of essentials) {
    heading(pdf, c.title, STATUS_LABELS[c.status]);
    criterionBody(pdf, c);
  }
  if (pdf.y > 600) pdf.addPage();
  pdf.moveDown(1.2).font('Helvetica-Bold').fontSize(13).text('Weighted criteria', MARGIN, pdf.y, { width: WIDTH });
  for (const c of weighted) {
    heading(pdf, `${c.title} (${c.weightPercent}%)`, STATUS_LABELS[c.status]);
    criterionBody(pdf, c);
  }
  heading(pdf, 'Notes');
  for (const n of pack.notes) note(pdf, n);
  pdf.end();
  return done;
}
