import fc from 'fast-check';
import { type Shown, type SuppressedTable, suppressCount, suppressTable, UNDER_FIVE, WITHHELD } from './suppression.js';

/**
 * An independent brute-force attacker: every table of non-negative integers up to `bound` that agrees
 * with what is published (numbers equal, "<5" in 0–4, "*" at least 5, margins the sums), enumerated row
 * by row; answers for each withheld entry the set of values it takes across them.
 */
function solutions(t: SuppressedTable, bound: number): Map<string, Set<number>> {
  const r = t.cells.length;
  const c = t.cells[0].length;
  const fits = (shown: Shown, v: number) => (shown === UNDER_FIVE ? v >= 0 && v <= 4 : shown === WITHHELD ? v >= 5 : v === shown);
  const domain = (shown: Shown) => (shown === UNDER_FIVE ? [0, 1, 2, 3, 4] : shown === WITHHELD ? range(5, bound) : [shown]);
  const seen = new Map<string, Set<number>>();
  const note = (k: string, v: number) => (seen.get(k) ?? seen.set(k, new Set()).get(k)!).add(v);
  // every row the published row allows: its cells' values with a row total that fits
  const rowsOf = (i: number): number[][] =>
    t.cells[i].reduce<number[][]>((acc, shown) => acc.flatMap((prefix) => domain(shown).map((v) => [...prefix, v])), [[]]).filter((row) => {
      const sum = row.reduce((s, v) => s + v, 0);
      return sum <= bound && (!t.rowTotals || fits(t.rowTotals[i], sum));
    });
  const options = t.cells.map((_, i) => rowsOf(i));
  const pick: number[][] = [];
  const walk = (i: number) => {
    if (i === r) {
      const cols = range(0, c - 1).map((j) => pick.reduce((s, row) => s + row[j], 0));
      const total = cols.reduce((s, v) => s + v, 0);
      if (t.columnTotals && !cols.every((v, j) => fits(t.columnTotals![j], v))) return;
      if (!fits(t.total, total)) return;
      pick.forEach((row, a) => row.forEach((v, b) => note(`c${a},${b}`, v)));
      pick.forEach((row, a) => note(`r${a}`, row.reduce((s, v) => s + v, 0)));
      cols.forEach((v, b) => note(`k${b}`, v));
      note('t', total);
      return;
    }
    for (const row of options[i]) {
      pick.push(row);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return seen;
}
const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, k) => a + k);

/** The withheld entries of a published table, by the keys `solutions` uses. */
function withheld(t: SuppressedTable): string[] {
  const keys: string[] = [];
  t.cells.forEach((row, i) => row.forEach((s, j) => typeof s === 'string' && keys.push(`c${i},${j}`)));
  t.rowTotals?.forEach((s, i) => typeof s === 'string' && keys.push(`r${i}`));
  t.columnTotals?.forEach((s, j) => typeof s === 'string' && keys.push(`k${j}`));
  if (typeof t.total === 'string') keys.push('t');
  return keys;
}

const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
const shownValues = (t: SuppressedTable): Shown[] => [...t.cells.flat(), ...(t.rowTotals ?? []), ...(t.columnTotals ?? []), t.total];

describe('suppressCount', () => {
  it.each([
    [0, 0],
    [1, '<5'],
    [4, '<5'],
    [5, 5],
    [12, 12],
  ])('%s → %s', (n, shown) => expect(suppressCount(n)).toBe(shown));
});

describe('suppressTable', () => {
  it('publishes a table without small counts as it is', () => {
    expect(suppressTable([[6], [0], [9]])).toEqual({ cells: [[6], [0], [9]], rowTotals: null, columnTotals: null, total: 15 });
    expect(suppressTable([[5, 7], [8, 0]])).toEqual({ cells: [[5, 7], [8, 0]], rowTotals: [12, 8], columnTotals: [13, 7], total: 20 });
  });

  it('shows 1–4 as "<5"; a single small count under a published total is protected by a second one', () => {
    // 3 alone beside a total of 15 could be worked out: 15 − 12; the 0 beside it is withheld too (costs nothing)
    expect(suppressTable([[12], [3], [0]])).toEqual({ cells: [[12], ['<5'], ['<5']], rowTotals: null, columnTotals: null, total: 15 });
  });

  it('with no 0 to hide, withholds the next smallest count as "*"', () => {
    expect(suppressTable([[12], [3], [7]])).toEqual({ cells: [[12], ['<5'], ['*']], rowTotals: null, columnTotals: null, total: 22 });
  });

  it('a total from 1 to 4 is itself "<5"', () => {
    const t = suppressTable([[2], [1], [0]]);
    expect(t.total).toBe('<5');
    expect(t.cells.flat().filter((s) => s !== 0).every((s) => s === '<5')).toBe(true);
  });

  it('two small counts that could only be 4 and 4 (total 8 shown) get a third companion', () => {
    const t = suppressTable([[4], [4], [0], [10]]);
    expect(t.cells).toEqual([['<5'], ['<5'], ['<5'], [10]]);
  });

  it('in a two-way table, no row or column is left with one withheld entry', () => {
    const t = suppressTable([
      [10, 3, 8],
      [7, 9, 6],
    ]);
    expect(t.cells[0][1]).toBe('<5');
    const column = [t.cells[0][1], t.cells[1][1], t.columnTotals![1]];
    const row = [...t.cells[0], t.rowTotals![0]];
    expect(column.filter((s) => typeof s === 'string').length).toBeGreaterThanOrEqual(2);
    expect(row.filter((s) => typeof s === 'string').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses what is not a table of counts', () => {
    expect(() => suppressTable([])).toThrow();
    expect(() => suppressTable([[1, 2], [3]])).toThrow();
    expect(() => suppressTable([[-1]])).toThrow();
    expect(() => suppressTable([[1.5]])).toThrow();
  });
});

describe('suppressTable: properties (fast-check)', () => {
  // small counts are the interesting ones: mostly 0–6, sometimes larger
  const count = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 7, max: 14 }) });
  const table = (maxRows: number, maxCols: number) =>
    fc.integer({ min: 1, max: maxCols }).chain((c) => fc.array(fc.array(count, { minLength: c, maxLength: c }), { minLength: 1, maxLength: maxRows }));

  it('never shows a count from 1 to 4, and every number it shows is the true count', () => {
    fc.assert(
      fc.property(fc.oneof(table(3, 3), table(12, 1)), (cells) => {
        const t = suppressTable(cells);
        for (const s of shownValues(t)) expect(typeof s === 'number' ? s < 1 || s > 4 : true).toBe(true);
        cells.forEach((row, i) => row.forEach((v, j) => typeof t.cells[i][j] === 'number' && expect(t.cells[i][j]).toBe(v)));
        if (typeof t.total === 'number') expect(t.total).toBe(sum(cells.flat()));
        // the markers say the truth: "<5" is 0–4, "*" is 5 or more
        cells.forEach((row, i) =>
          row.forEach((v, j) => {
            if (t.cells[i][j] === UNDER_FIVE) expect(v).toBeLessThan(5);
            if (t.cells[i][j] === WITHHELD) expect(v).toBeGreaterThanOrEqual(5);
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('one-column tables (the equality breakdown): no withheld count is determined by the published ones and the total (brute force)', () => {
    fc.assert(
      fc.property(table(5, 1), (cells) => {
        const t = suppressTable(cells);
        const bound = sum(cells.flat()) + 5;
        const found = solutions(t, bound);
        for (const k of withheld(t)) expect({ k, values: found.get(k)!.size > 1 }).toEqual({ k, values: true });
      }),
      { numRuns: 300 },
    );
  });

  it('two-way tables with margins: no withheld entry is determined (brute force over every consistent table)', () => {
    fc.assert(
      fc.property(table(3, 3), (cells) => {
        const t = suppressTable(cells);
        const bound = sum(cells.flat()) + 5;
        const found = solutions(t, bound);
        for (const k of withheld(t)) expect({ k, values: found.get(k)!.size > 1 }).toEqual({ k, values: true });
      }),
      { numRuns: 60 },
    );
  });
});
