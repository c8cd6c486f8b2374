/**
 * Rule 6: invoice and credit-note numbers are gapless and strictly increasing, each series on its own,
 * never reused. A counter row per series (document_counters) is moved forward by a block in the same
 * transaction that inserts the documents: a rollback takes the numbers back with it, so no gap is left,
 * and the row lock orders concurrent issuers. (A sequence would leave gaps on rollback.)
 */
export type DocumentKind = 'invoice' | 'credit_note';
export type DocumentSeries = 'INV' | 'CN';

export const SERIES_OF: Record<DocumentKind, DocumentSeries> = { invoice: 'INV', credit_note: 'CN' };

export const NUMBER_DIGITS = 6;
export const MAX_SEQ = 10 ** NUMBER_DIGITS - 1;

/** INV-000001, CN-000042. */
export function formatDocumentNumber(series: DocumentSeries, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) throw new RangeError(`No document number ${seq} in series ${series}`);
  return `${series}-${String(seq).padStart(NUMBER_DIGITS, '0')}`;
}

export function parseDocumentNumber(number: string): { series: DocumentSeries; seq: number } {
  const match = /^(INV|CN)-(\d{6})$/.exec(number);
  if (!match) throw new RangeError(`Not a document number: ${number}`);
  return { series: match[1] as DocumentSeries, seq: Number(match[2]) };
}

/**
 * The numbers of a block of `count` documents, given the counter's value after it was moved forward by
 * `count` (what `UPDATE document_counters SET last_number = last_number + count RETURNING` answers).
 */
export function numberBlock(series: DocumentSeries, lastNumberAfter: number, count: number): string[] {
  const first = lastNumberAfter - count + 1;
  if (count < 0 || first < 1) throw new RangeError(`A block of ${count} cannot end at ${lastNumberAfter}`);
  return Array.from({ length: count }, (_, i) => formatDocumentNumber(series, first + i));
}

/** The first gap in a series' numbers (the missing number), or null when they run 1..n without one. */
export function firstGap(numbers: string[]): string | null {
  const bySeries = new Map<DocumentSeries, number[]>();
  for (const n of numbers) {
    const { series, seq } = parseDocumentNumber(n);
    bySeries.set(series, [...(bySeries.get(series) ?? []), seq]);
  }
  for (const [series, seqs] of bySeries) {
    const sorted = [...seqs].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      if (sorted[i] !== i + 1) return formatDocumentNumber(series, i + 1);
    }
  }
  return null;
}
