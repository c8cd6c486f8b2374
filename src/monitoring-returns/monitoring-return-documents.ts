import { drawSupplier, longDate, MARGIN, startPdf, WIDTH } from '../billing/pdf/invoice-pdf.js';
import type { AppConfig } from '../config/app-config.js';
import { OUTCOME_KIND_LABELS, type OutcomeKind } from '../outcomes/outcome-rules.js';
import type { EqualityTableResponse, MonitoringReturnResponse, ReturnProgrammeResponse } from './dto/monitoring-return.dto.js';
import type { Shown } from './suppression.js';

const cell = (v: Shown | number | null | boolean) => (v === null ? '' : String(v));
const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const outcomeLabel = (o: { kind: string; level: string | null; status: string }) =>
  `${OUTCOME_KIND_LABELS[o.kind as OutcomeKind]}${o.level ? ` ${o.level[0].toUpperCase()}${o.level.slice(1)}` : ''}: ${o.status === 'achieved' ? 'achieved' : 'working towards'}`;

/**
 * The return as CSV: one row per figure, `programme,section,category,value` (values as published: numbers,
 * "<5" or "*"), after a header block naming provider, commissioner and period. Counts only, no names.
 */
export function monitoringReturnCsv(r: MonitoringReturnResponse): string {
  const lines: string[][] = [
    ['programme', 'section', 'category', 'value'],
    ['', 'return', 'provider', r.provider],
    ['', 'return', 'commissioner', r.commissionerName],
    ['', 'return', 'term', r.termName],
    ['', 'return', 'period', `${r.periodStart} to ${r.periodEnd}`],
    ['', 'return', 'census date', r.censusDate],
  ];
  for (const p of r.programmes) {
    const add = (section: string, category: string, value: Shown | number | null | boolean) => lines.push([p.programmeName, section, category, cell(value)]);
    add('referrals', 'received', p.referrals.received);
    add('referrals', 'accepted', p.referrals.accepted);
    add('headcount', 'census headcount', p.headcount.census);
    add('headcount', 'minimum', p.headcount.minimum);
    add('headcount', 'late joiners', p.headcount.lateJoiners);
    add('sessions', 'planned', p.sessions.planned);
    add('sessions', 'held', p.sessions.held);
    add('sessions', 'cancelled', p.sessions.cancelled);
    add('attendance', 'attendance rate (%)', p.attendanceRate);
    for (const o of p.outcomes) add('outcomes', outcomeLabel(o), o.count);
    add('outcomes', 'total', p.outcomesTotal);
    for (const [name, table] of Object.entries(p.equality) as Array<[string, EqualityTableResponse]>) {
      for (const row of table.rows) add(`equality: ${name}`, row.label, row.count);
      add(`equality: ${name}`, 'total', table.total);
    }
  }
  lines.push(['', 'note', 'suppression', r.suppressionNote]);
  for (const note of r.notes ?? []) lines.push(['', 'note', 'figures', note]);
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The return as a PDF a council officer can file: title, provider, commissioner, period, a section per programme, the note on suppression. */
export function renderMonitoringReturnPdf(r: MonitoringReturnResponse, provider: AppConfig['provider']): Promise<Buffer> {
  const { pdf, done } = startPdf(`Monitoring return ${r.termName} for ${r.commissionerName}`, provider.name);
  drawReturnHeader(pdf, r, provider);
  if (r.programmes.length === 0) pdf.moveDown(1).font('Helvetica').fontSize(10).text('No programme was contracted, funded or referred to in this term.', MARGIN);
  for (const p of r.programmes) drawProgramme(pdf, p);
  if (r.notes?.length) {
    drawHeading(pdf, 'Notes');
    for (const note of r.notes) pdf.font('Helvetica').fontSize(8.5).text(note, MARGIN, pdf.y, { width: WIDTH });
  }
  pdf.end();
  return done;
}

/** The supplier, the title, for whom and which period, and the note on suppression. */
function drawReturnHeader(pdf: PDFKit.PDFDocument, r: MonitoringReturnResponse, provider: AppConfig['provider']): void {
  drawSupplier(pdf, provider);
  pdf.font('Helvetica-Bold').fontSize(18).text('MONITORING RETURN', MARGIN, MARGIN, { width: WIDTH, align: 'right' });
  pdf.font('Helvetica').fontSize(10);
  pdf.text(`For ${r.commissionerName}`, { width: WIDTH, align: 'right' });
  pdf.text(`${r.termName}: ${longDate(r.periodStart)} to ${longDate(r.periodEnd)}`, { width: WIDTH, align: 'right' });
  pdf.text(`Census date ${longDate(r.censusDate)}; produced ${longDate(r.producedOn)}`, { width: WIDTH, align: 'right' });
  pdf.y = Math.max(pdf.y, 150);
  pdf.moveDown(1);
  pdf.font('Helvetica-Oblique').fontSize(8.5).text(r.suppressionNote, MARGIN, pdf.y, { width: WIDTH });
}

/** One programme's section: referrals, headcount and sessions, outcomes, then each equality table. */
function drawProgramme(pdf: PDFKit.PDFDocument, p: ReturnProgrammeResponse): void {
  if (pdf.y > 600) pdf.addPage();
  pdf.moveDown(1.2).font('Helvetica-Bold').fontSize(13).text(p.programmeName, MARGIN, pdf.y, { width: WIDTH });
  drawHeading(pdf, 'Referrals, headcount and sessions');
  drawRow(pdf, 'Referrals received in the term', cell(p.referrals.received));
  drawRow(pdf, 'Referrals accepted', cell(p.referrals.accepted));
  drawRow(pdf, 'Census headcount', cell(p.headcount.census));
  drawRow(pdf, 'Minimum number of participants (contract)', p.headcount.minimum === null ? 'none' : String(p.headcount.minimum));
  drawRow(pdf, 'Late joiners (places taken after the census date)', cell(p.headcount.lateJoiners));
  drawRow(pdf, 'Sessions planned / held / cancelled', `${p.sessions.planned} / ${p.sessions.held} / ${p.sessions.cancelled}`);
  drawRow(pdf, 'Attendance rate (present or late, of sessions held)', p.attendanceRate === null ? 'no sessions held yet' : `${p.attendanceRate}%`);
  drawHeading(pdf, 'Outcomes');
  const shown = p.outcomes.filter((o) => o.count !== 0);
  if (shown.length === 0) drawRow(pdf, 'No outcomes recorded', '0');
  for (const o of shown) drawRow(pdf, outcomeLabel(o), cell(o.count));
  drawRow(pdf, 'All outcomes', cell(p.outcomesTotal), true);
  const tables: Array<[string, EqualityTableResponse]> = [
    ['Gender', p.equality.gender],
    ['Ethnic group (2021 Census categories)', p.equality.ethnicity],
    ['Special educational needs: type of need (a young person may have several)', p.equality.disabilityCategories],
    ['Postcode district', p.equality.postcodeDistrict],
  ];
  for (const [title, table] of tables) {
    drawHeading(pdf, `Equality: ${title}`);
    for (const line of table.rows) drawRow(pdf, line.label, cell(line.count));
    drawRow(pdf, 'Total', cell(table.total), true);
  }
}

/** A label with its value at the right; a new page first when near the bottom. */
function drawRow(pdf: PDFKit.PDFDocument, label: string, value: string, bold = false): void {
  if (pdf.y > 770) pdf.addPage();
  const y = pdf.y;
  pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).text(label, MARGIN + 10, y, { width: 380 });
  const bottom = pdf.y;
  pdf.text(value, MARGIN + 390, y, { width: WIDTH - 390, align: 'right' });
  pdf.y = Math.max(bottom, pdf.y) + 1;
}

/** A bold heading over a rule; a new page first when near the bottom. */
function drawHeading(pdf: PDFKit.PDFDocument, text: string): void {
  if (pdf.y > 720) pdf.addPage();
  pdf.moveDown(0.6).font('Helvetica-Bold').fontSize(10).text(text, MARGIN, pdf.y, { width: WIDTH });
  pdf.moveTo(MARGIN, pdf.y + 1).lineTo(MARGIN + WIDTH, pdf.y + 1).lineWidth(0.5).stroke();
  pdf.y += 4;
}
