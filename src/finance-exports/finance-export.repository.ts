import { execute, one, rows as rowsOf } from '../database/database.repository.js';
import { bind, type Queryable, raw, sql as statement } from '../database/sql.js';
import { type ExportLayout, type ExportUnit, headerLine, layoutRow } from './finance-export-csv.js';

/*
 * The SQL of finance exports (finance_exports, finance_export_documents and the rows an export lists):
 * creating one in the caller's transaction, finding and listing them, and streaming an export's rows
 * through a server-side cursor. The CSV layout is finance-export-csv.ts.
 */

export interface ExportSummary {
  id: string;
  documentCount: number;
  rowCount: number;
  totalPence: number;
  createdAt: Date;
}

/**
 * Creates an export of every issued document not yet exported, in the caller's transaction. Each
 * document can be claimed by one export only (finance_export_documents.document_id is unique): when two
 * exports race, the second waits on the first's claims and skips what it took. When nothing is left to
 * claim, no export is kept (a daily job would otherwise leave an empty export a day): null.
 */
export async function createFinanceExport(sql: Queryable, source: 'api' | 'cli', createdBy: string | null): Promise<ExportSummary | null> {
  const created = await one<{ id: string }>(
    sql,
    statement`INSERT INTO finance_exports (source, created_by) VALUES (${source}, ${createdBy}) RETURNING id`,
  );
  const exportId = bind(created!.id);
  const { claimed } = (await one<{ claimed: number }>(
    sql,
    statement`WITH claimed AS (
                INSERT INTO finance_export_documents (export_id, document_id)
                SELECT ${exportId}, d.id FROM documents d
                 WHERE NOT EXISTS (SELECT 1 FROM finance_export_documents x WHERE x.document_id = d.id)
                 ORDER BY d.id
                ON CONFLICT (document_id) DO NOTHING
                RETURNING 1)
              SELECT count(*)::int AS claimed FROM claimed`,
  ))!;
  if (claimed === 0) {
    // never committed, so never seen: the export row goes with the transaction's other work
    await execute(sql, statement`WITH dropped AS (DELETE FROM finance_exports WHERE id = ${exportId} RETURNING id) SELECT count(*) FROM dropped`);
    return null;
  }
  const summary = await one<SummaryRow>(
    sql,
    statement`WITH totals AS (
       SELECT count(*)::int AS documents,
              coalesce(sum((SELECT sum(CASE WHEN l.kind <> 'sessions' THEN cardinality(l.budget_references)
                                            ELSE (SELECT count(*) FROM (SELECT DISTINCT e.registration_id, e.amount_pence, e.vat_pence
                                                                          FROM billing_ledger e WHERE e.document_id = l.document_id AND e.line = l.line) r) END)
                              FROM document_lines l WHERE l.document_id = d.id)), 0)::int AS rows,
              coalesce(sum(CASE WHEN d.kind = 'invoice' THEN d.total_pence ELSE -d.total_pence END), 0)::bigint AS total
         FROM finance_export_documents x JOIN documents d ON d.id = x.document_id
        WHERE x.export_id = ${exportId}),
     summed AS (
       UPDATE finance_exports e SET document_count = t.documents, row_count = t.rows, total_pence = t.total
         FROM totals t WHERE e.id = ${exportId}
       RETURNING e.id, e.document_count, e.row_count, e.total_pence, e.created_at)
     SELECT * FROM summed`,
  );
  return toSummary(summary!);
}

/** Up to `limit` exports after export `after`, by id. */
export async function listFinanceExports(db: Queryable, after: string | null, limit: number): Promise<ExportSummary[]> {
  const found = await rowsOf<SummaryRow>(
    db,
    statement`SELECT id, document_count, row_count, total_pence, created_at FROM finance_exports
               WHERE (${after}::uuid IS NULL OR id > ${after}) ORDER BY id LIMIT ${limit}`,
  );
  return found.map(toSummary);
}

export async function findFinanceExport(sql: Queryable, id: string): Promise<ExportSummary | undefined> {
  const row = await one<SummaryRow>(sql, statement`SELECT id, document_count, row_count, total_pence, created_at FROM finance_exports WHERE id = ${id}`);
  return row ? toSummary(row) : undefined;
}

interface SummaryRow {
  id: string;
  document_count: number;
  row_count: number;
  total_pence: number;
  created_at: Date;
}

function toSummary(row: SummaryRow): ExportSummary {
  return {
    id: row.id,
    documentCount: row.document_count,
    rowCount: row.row_count,
    totalPence: Number(row.total_pence),
    createdAt: row.created_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The export's CSV, header first, as chunks of rows read through a server-side cursor `batchSize` rows
 * at a time: memory stays constant whatever the size of the export. `sql` must be one connection inside
 * a transaction (the cursor lives until it ends); the consumer pulls, so a slow reader slows the reads.
 */
export async function* financeExportCsv(sql: Queryable, exportId: string, batchSize = 500, layout: ExportLayout = 'standard'): AsyncGenerator<string> {
  if (!UUID.test(exportId)) throw new RangeError(`Not an export id: ${exportId}`);
  // DECLARE takes no bind parameters: the id is a checked UUID literal.
  // A row is one place on a line: a place line's budget references (with their council ids) in order,
  // as issued; for a sessions line, one place's sessions at one per-session price (its ledger entries
  // grouped, places in the order of the line's references).
  await execute(
    sql,
    statement`DECLARE finance_export_rows NO SCROLL CURSOR FOR
     WITH docs AS (
       SELECT d.* FROM finance_export_documents x JOIN documents d ON d.id = x.document_id
        WHERE x.export_id = '${raw(exportId.toLowerCase())}'),
     rows AS (
       SELECT l.document_id, l.line, r.n AS place, 0::bigint AS part, r.reference AS budget_reference, r.council_id,
              1 AS quantity, l.unit_pence, l.unit_pence::bigint AS net_pence, l.vat_unit_pence::bigint AS vat_pence
         FROM docs d JOIN document_lines l ON l.document_id = d.id
        CROSS JOIN LATERAL unnest(l.budget_references, l.council_ids) WITH ORDINALITY AS r(reference, council_id, n)
        WHERE l.kind <> 'sessions'
       UNION ALL
       SELECT e.document_id, e.line,
              dense_rank() OVER (PARTITION BY e.document_id, e.line ORDER BY e.budget_reference, e.registration_id) AS place,
              row_number() OVER (PARTITION BY e.document_id, e.line, e.registration_id ORDER BY e.amount_pence DESC, e.vat_pence DESC) AS part,
              e.budget_reference, e.council_id, e.quantity, e.amount_pence, e.net_pence, e.vat_pence
         FROM (SELECT e.document_id, e.line, e.registration_id, e.budget_reference, e.council_id, e.amount_pence, e.vat_pence AS vat_each,
                      count(*)::int AS quantity, sum(e.amount_pence)::bigint AS net_pence, sum(e.vat_pence)::bigint AS vat_pence
                 FROM docs d JOIN document_lines l ON l.document_id = d.id AND l.kind = 'sessions'
                 JOIN billing_ledger e ON e.document_id = l.document_id AND e.line = l.line
                GROUP BY e.document_id, e.line, e.registration_id, e.budget_reference, e.council_id, e.amount_pence, e.vat_pence) e)
     SELECT d.number AS document_number, d.kind AS document_type, d.issue_date::text, d.due_date::text, d.customer_code,
            d.recipient_name AS customer_name, d.recipient_type, d.recipient_email, d.recipient_address, d.po_number,
            r.budget_reference, r.council_id, l.description, r.quantity, r.unit_pence, r.net_pence, r.vat_pence,
            l.vat_treatment, l.vat_rate_basis_points, l.nominal_code, l.department_code
       FROM rows r JOIN docs d ON d.id = r.document_id JOIN document_lines l ON l.document_id = r.document_id AND l.line = r.line
      ORDER BY d.series DESC, d.seq, r.line, r.place, r.part`,
  );
  yield headerLine(layout);
  for (;;) {
    const rows = await rowsOf<ExportUnit>(sql, statement`FETCH ${raw(String(Math.max(1, Math.floor(batchSize))))} FROM finance_export_rows`);
    if (rows.length === 0) break;
    let chunk = '';
    for (const row of rows) chunk += layoutRow(layout, { ...row, net_pence: Number(row.net_pence), vat_pence: Number(row.vat_pence) });
    yield chunk;
  }
  await execute(sql, statement`CLOSE finance_export_rows`);
}
