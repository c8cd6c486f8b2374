import 'reflect-metadata';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { formatSterling } from '../common/money.js';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { resolveDatabase } from '../database/database-url.js';
import { migrateUnderLock } from '../database/migrate.js';
import { inTransaction } from '../database/transaction.js';
import { EXPORT_LAYOUTS, type ExportLayout, headerLine } from './finance-export-csv.js';
import { createFinanceExport, type ExportSummary, financeExportCsv, findFinanceExport } from './finance-export.repository.js';

const USAGE = `Usage: npm run finance:export -- --out FILE [--id EXPORT_ID] [--layout standard|standard-v2|xero]

Creates a finance export of every issued invoice and credit note not yet exported and writes its CSV to
FILE (written to FILE.partial, then renamed). With nothing to export, no export is created and FILE holds
the header alone. With --id, writes the CSV of an existing export again (nothing new is exported).
--layout picks the columns (default standard: the v1 columns). Uses DATABASE_URL (or the embedded
database when it is unset).
Exit status: 0 on success, 1 on failure, 2 on bad arguments.`;

type CliArgs = { out: string; id?: string; layout: ExportLayout };

/** The command line, or the exit status when it asks for help or is wrong. */
function parseCli(): CliArgs | number {
  let args: { out?: string; id?: string; layout?: string; help?: boolean };
  try {
    args = parseArgs({ options: { out: { type: 'string' }, id: { type: 'string' }, layout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const layout = (args.layout ?? 'standard') as ExportLayout;
  if (!EXPORT_LAYOUTS.includes(layout)) {
    process.stderr.write(`--layout must be one of ${EXPORT_LAYOUTS.join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!args.out) {
    process.stderr.write(`--out FILE is required\n\n${USAGE}\n`);
    return 2;
  }
  return { out: args.out, id: args.id, layout };
}

/** Streams the export's CSV into `path` in one REPEATABLE READ transaction; how many rows (the header not counted). */
async function writeCsv(dataSource: DataSource, exportId: string, layout: ExportLayout, path: string): Promise<number> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  let rows = -1; // the header
  try {
    await runner.startTransaction('REPEATABLE READ');
    const out = createWriteStream(path);
    const failed = once(out, 'error').then(([e]) => Promise.reject(e));
    failed.catch(() => undefined);
    for await (const chunk of financeExportCsv(runner, exportId, 500, layout)) {
      rows += chunk.split('\r\n').length - 1;
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([finished(out), failed]);
    await runner.commitTransaction();
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
  return rows;
}

/** The finance team's scheduled export: POST /finance-exports and GET /finance-exports/:id/file in one command. */
async function main(): Promise<number> {
  const args = parseCli();
  if (typeof args === 'number') return args;
  const { layout } = args;

  const { config, embedded } = await resolveDatabase(loadConfig(), () => undefined);
  const dataSource = new DataSource(dataSourceOptions(config.databaseUrl!, 2));
  await dataSource.initialize();
  let summary: ExportSummary | undefined;
  const partial = `${args.out}.partial`;
  try {
    await migrateUnderLock(dataSource);
    if (args.id) {
      summary = await findFinanceExport(dataSource.manager, args.id);
      if (!summary) throw new Error(`No finance export with id ${args.id}`);
    } else {
      summary = (await inTransaction(dataSource, (em) => createFinanceExport(em, 'cli', null))) ?? undefined;
      if (!summary) {
        // no export is created for nothing; the scheduler still finds a file (the header alone)
        await writeFile(partial, headerLine(layout));
        await rename(partial, args.out);
        process.stdout.write(`Nothing to export: every issued document is already in an export. Wrote the header only → ${args.out}\n`);
        return 0;
      }
    }
    const rows = await writeCsv(dataSource, summary.id, layout, partial);
    await rename(partial, args.out);
    process.stdout.write(
      `Finance export ${summary.id}: ${summary.documentCount} documents, ${rows} rows, total ${formatSterling(summary.totalPence)} → ${args.out}\n`,
    );
    return 0;
  } catch (error) {
    await rm(partial, { force: true });
    const again = summary && !args.id ? ` (export ${summary.id} was created: write its file with --id ${summary.id})` : '';
    process.stderr.write(`Finance export failed: ${(error as Error).message}${again}\n`);
    return 1;
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`Finance export failed: ${(error as Error)?.message ?? error}\n`);
    process.exit(1);
  },
);
