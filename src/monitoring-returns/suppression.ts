/**
 * Small-number suppression of a count table with margins (DOMAIN.md rule 17: a monitoring return never
 * shows a count from 1 to 4, nor one that can be worked out from the others).
 *
 * The table: r × c non-negative counts; its margins are the row totals and column totals (only when the
 * table has more than one row and more than one column: otherwise they repeat the cells) and the grand
 * total (always). Every entry, cell or margin, is published as its number or withheld as one of:
 *
 *   "<5"  a count from 0 to 4 (PRIMARY: every count from 1 to 4 is shown so; a 0 may be shown so too,
 *         as a complementary suppression that costs nothing);
 *   "*"   a count of 5 or more, withheld so that a "<5" cannot be worked out (SECONDARY suppression).
 *
 * The guarantee (checked by `determined` before answering, and by brute force in the property tests):
 * for every withheld entry there are at least two tables of non-negative integers that agree with
 * everything published — the numbers, the ranges of the markers ("<5": 0–4, "*": ≥ 5) and the sums of
 * the margins — and give that entry different values. So no withheld count is uniquely determined.
 *
 * The method: primary suppression, then, while some withheld entry is determined, withhold one more
 * entry: one sharing a row or column with it if there is one, a published 0 first (shown "<5"), else the
 * smallest count of 5 or more (shown "*"), interior cells before margins. Withholding more never makes a
 * withheld entry determined (it only removes constraints), so the loop ends, at worst with everything
 * withheld.
 */
export const UNDER_FIVE = '<5';
export const WITHHELD = '*';
export type Shown = number | typeof UNDER_FIVE | typeof WITHHELD;

export interface SuppressedTable {
  cells: Shown[][];
  /** One per row; null when the table has one row or one column (the cells or the total say it). */
  rowTotals: Shown[] | null;
  /** One per column; null when the table has one row or one column. */
  columnTotals: Shown[] | null;
  total: Shown;
}

/** An entry of the table: a cell, a row total, a column total or the grand total. */
type Entry = { kind: 'cell'; i: number; j: number } | { kind: 'row'; i: number } | { kind: 'column'; j: number } | { kind: 'total' };

interface Model {
  r: number;
  c: number;
  cells: number[][];
  hasLineTotals: boolean;
}

const key = (e: Entry) => (e.kind === 'cell' ? `c${e.i},${e.j}` : e.kind === 'row' ? `r${e.i}` : e.kind === 'column' ? `k${e.j}` : 't');

function valueOf(m: Model, e: Entry): number {
  switch (e.kind) {
    case 'cell':
      return m.cells[e.i][e.j];
    case 'row':
      return m.cells[e.i].reduce((s, x) => s + x, 0);
    case 'column':
      return m.cells.reduce((s, row) => s + row[e.j], 0);
    case 'total':
      return m.cells.flat().reduce((s, x) => s + x, 0);
  }
}

function entriesOf(m: Model): Entry[] {
  const entries: Entry[] = [];
  for (let i = 0; i < m.r; i++) for (let j = 0; j < m.c; j++) entries.push({ kind: 'cell', i, j });
  if (m.hasLineTotals) {
    for (let i = 0; i < m.r; i++) entries.push({ kind: 'row', i });
    for (let j = 0; j < m.c; j++) entries.push({ kind: 'column', j });
  }
  entries.push({ kind: 'total' });
  return entries;
}

/** Whether two entries lie on one line of the table (a row with its total, a column with its total, the margins with the grand total). */
function shareLine(a: Entry, b: Entry): boolean {
  const rowOf = (e: Entry) => (e.kind === 'cell' || e.kind === 'row' ? e.i : e.kind === 'column' || e.kind === 'total' ? -1 : undefined);
  const colOf = (e: Entry) => (e.kind === 'cell' || e.kind === 'column' ? e.j : e.kind === 'row' || e.kind === 'total' ? -1 : undefined);
  return rowOf(a) === rowOf(b) || colOf(a) === colOf(b);
}

/** What is known of an entry: its number, or the range of its marker. */
type Known = { exact: number } | { min: number; max: number };
const knownOf = (shown: Shown, bound: number): Known =>
  shown === UNDER_FIVE ? { min: 0, max: 4 } : shown === WITHHELD ? { min: 5, max: bound } : { exact: shown };
const lo = (k: Known) => ('exact' in k ? k.exact : k.min);
const hi = (k: Known) => ('exact' in k ? k.exact : k.max);

/**
 * Whether the published table fixes the value of entry `target`: true when no other table of counts up
 * to `bound` agrees with what is published and gives `target` another value. Depth-first over the
 * withheld cells, row by row, pruned by what each row, column and the total can still reach.
 */
export function determined(published: SuppressedTable, target: { kind: 'cell'; i: number; j: number } | { kind: 'row'; i: number } | { kind: 'column'; j: number } | { kind: 'total' }, trueValue: number, bound: number): boolean {
  return !otherTableExists(searchOver(published, bound), 0, target, trueValue);
}

/** The search for another table: what is published of each entry, the candidate table so far, and the withheld cells in the order they are filled. */
interface Search {
  r: number;
  c: number;
  cellKnown: Known[][];
  rowKnown: Known[] | null;
  colKnown: Known[] | null;
  totalKnown: Known;
  /** The candidate table: cells before the current position are chosen, the others hold their least value. */
  x: number[][];
  open: Array<[number, number]>;
  /** Each withheld cell's index in `open`, by "i,j". */
  position: Map<string, number>;
}

function searchOver(published: SuppressedTable, bound: number): Search {
  const r = published.cells.length;
  const c = published.cells[0].length;
  const cellKnown = published.cells.map((row) => row.map((s) => knownOf(s, bound)));
  const open: Array<[number, number]> = [];
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) if (!('exact' in cellKnown[i][j])) open.push([i, j]);
  return {
    r,
    c,
    cellKnown,
    rowKnown: published.rowTotals?.map((s) => knownOf(s, bound)) ?? null,
    colKnown: published.columnTotals?.map((s) => knownOf(s, bound)) ?? null,
    totalKnown: knownOf(published.total, bound),
    x: cellKnown.map((row) => row.map(lo)),
    open,
    position: new Map(open.map(([i, j], p) => [`${i},${j}`, p])),
  };
}

/** Whether cell (i, j) is withheld and not yet chosen when the search stands at position p. */
function isOpenAfter(s: Search, i: number, j: number, p: number): boolean {
  const q = s.position.get(`${i},${j}`);
  return q !== undefined && q >= p;
}

/** The least and most cell (i, j) can still add from position p on, into `range` ([min, max]). */
function addCell(s: Search, i: number, j: number, p: number, range: number[]): void {
  if (isOpenAfter(s, i, j, p)) {
    range[0] += lo(s.cellKnown[i][j]);
    range[1] += hi(s.cellKnown[i][j]);
  } else {
    range[0] += s.x[i][j];
    range[1] += s.x[i][j];
  }
}

/** The least and most row i can still add up to from position p on. */
function rowLeft(s: Search, i: number, p: number): number[] {
  const range = [0, 0];
  for (let j = 0; j < s.c; j++) addCell(s, i, j, p, range);
  return range;
}

/** The least and most column j can still add up to from position p on. */
function colLeft(s: Search, j: number, p: number): number[] {
  const range = [0, 0];
  for (let i = 0; i < s.r; i++) addCell(s, i, j, p, range);
  return range;
}

const fits = (range: number[], k: Known) => range[0] <= hi(k) && range[1] >= lo(k);

/** Whether every row, column and the total can still reach what is published, from position p on. */
function feasible(s: Search, p: number): boolean {
  for (let i = 0; i < s.r; i++) if (s.rowKnown && !fits(rowLeft(s, i, p), s.rowKnown[i])) return false;
  for (let j = 0; j < s.c; j++) if (s.colKnown && !fits(colLeft(s, j, p), s.colKnown[j])) return false;
  let min = 0;
  let max = 0;
  for (let i = 0; i < s.r; i++) {
    const [a, b] = rowLeft(s, i, p);
    min += a;
    max += b;
  }
  return fits([min, max], s.totalKnown);
}

/** Depth-first from position p: whether some table agreeing with what is published gives `target` a value other than `trueValue`. */
function otherTableExists(s: Search, p: number, target: Entry, trueValue: number): boolean {
  if (!feasible(s, p)) return false;
  if (p === s.open.length) return valueOf({ r: s.r, c: s.c, cells: s.x, hasLineTotals: true }, target) !== trueValue;
  const [i, j] = s.open[p];
  const k = s.cellKnown[i][j];
  for (let v = lo(k); v <= hi(k); v++) {
    s.x[i][j] = v;
    if (otherTableExists(s, p + 1, target, trueValue)) return true;
  }
  s.x[i][j] = lo(k);
  return false;
}

/** Suppresses `cells` (r × c counts, r, c ≥ 1) so that no count from 1 to 4 is shown and none withheld can be worked out. */
export function suppressTable(cells: number[][]): SuppressedTable {
  const r = cells.length;
  const c = cells[0]?.length ?? 0;
  if (r === 0 || c === 0 || cells.some((row) => row.length !== c)) throw new Error('suppressTable: a non-empty rectangular table');
  if (cells.flat().some((v) => !Number.isInteger(v) || v < 0)) throw new Error('suppressTable: counts are non-negative integers');
  const m: Model = { r, c, cells, hasLineTotals: r > 1 && c > 1 };
  const entries = entriesOf(m);
  const hidden = new Map<string, Shown>();
  for (const e of entries) {
    const v = valueOf(m, e);
    if (v >= 1 && v <= 4) hidden.set(key(e), UNDER_FIVE);
  }
  const grand = valueOf(m, { kind: 'total' });
  const bound = grand + 5;
  const publish = (): SuppressedTable => {
    const show = (e: Entry): Shown => hidden.get(key(e)) ?? valueOf(m, e);
    return {
      cells: cells.map((row, i) => row.map((_, j) => show({ kind: 'cell', i, j }))),
      rowTotals: m.hasLineTotals ? cells.map((_, i) => show({ kind: 'row', i })) : null,
      columnTotals: m.hasLineTotals ? cells[0].map((_, j) => show({ kind: 'column', j })) : null,
      total: show({ kind: 'total' }),
    };
  };
  const preference = (e: Entry) => {
    const v = valueOf(m, e);
    return [v === 0 ? 0 : 1, e.kind === 'cell' ? 0 : 1, v];
  };
  const better = (a: Entry, b: Entry) => {
    const pa = preference(a);
    const pb = preference(b);
    for (let k = 0; k < pa.length; k++) if (pa[k] !== pb[k]) return pa[k] < pb[k];
    return false;
  };
  for (;;) {
    const table = publish();
    const exposed = entries.find((e) => hidden.has(key(e)) && determined(table, e, valueOf(m, e), bound));
    if (!exposed) return table;
    const open = entries.filter((e) => !hidden.has(key(e)));
    if (open.length === 0) return table; // cannot happen (see the module comment); the property tests would say
    const near = open.filter((e) => shareLine(e, exposed));
    const pool = near.length ? near : open;
    const chosen = pool.reduce((best, e) => (better(e, best) ? e : best));
    hidden.set(key(chosen), valueOf(m, chosen) === 0 ? UNDER_FIVE : WITHHELD);
  }
}

/** One count shown on its own (no table around it): 1–4 as "<5", anything else as it is. */
export function suppressCount(n: number): number | typeof UNDER_FIVE {
  return n >= 1 && n <= 4 ? UNDER_FIVE : n;
}
