/** Money is integer pence everywhere (rule 7); these turn it into text without floating point. */

/** 123456 → '1234.56'; -5 → '-0.05'. */
export function formatPounds(pence: number): string {
  if (!Number.isSafeInteger(pence)) throw new RangeError(`Not a whole number of pence: ${pence}`);
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123456 → '£1,234.56' (for documents people read). */
export function formatSterling(pence: number): string {
  const [whole, fraction] = formatPounds(Math.abs(pence)).split('.');
  return `${pence < 0 ? '-' : ''}£${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/**
 * `amountPence × basisPoints / 10000`, rounded half up to whole pence, in integers only
 * (2000 bp = 20 %: 45001 → 9000.2 → 9000; 45003 → 9000.6 → 9001; 45002.5 cannot occur, 12.5 → 13).
 */
export function percentageOfPence(amountPence: number, basisPoints: number): number {
  if (!Number.isSafeInteger(amountPence) || amountPence < 0) throw new RangeError(`Not a pence amount: ${amountPence}`);
  if (!Number.isInteger(basisPoints) || basisPoints < 0) throw new RangeError(`Not basis points: ${basisPoints}`);
  return Math.floor((amountPence * basisPoints + 5000) / 10000);
}
