import pg from 'pg';

/**
 * Calendar dates stay 'YYYY-MM-DD' strings (a JS Date would move them with the local time zone), and
 * bigint counts and sums come back as numbers (pence totals stay far below 2^53).
 */
export function configurePgTypes(): void {
  pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
}
