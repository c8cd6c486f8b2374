import type pg from 'pg';
import type { Queryable } from '../../src/database/sql.js';
import { factories } from '../factories.js';
import { bearer, type TestApp } from './test-app.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Polls a billing run until it has completed or failed (the real Bull worker executes it). */
export async function waitForRun(t: TestApp, id: string, options: { timeoutMs?: number; token?: string; until?: string[] } = {}): Promise<Json> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const until = options.until ?? ['completed', 'failed'];
  for (;;) {
    const res = await t.api().get(`/api/v1/billing-runs/${id}`).set(bearer(options.token ?? t.adminToken));
    if (res.status !== 200) throw new Error(`GET /billing-runs/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (until.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`Run ${id} still ${res.body.status}: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** POST /billing-runs and wait for it to complete. */
export async function runQuarter(t: TestApp, quarter: string, token = t.adminToken): Promise<Json> {
  const res = await t.api().post('/api/v1/billing-runs').set(bearer(token)).send({ quarter });
  if (![200, 202].includes(res.status)) throw new Error(`POST /billing-runs answered ${res.status}: ${JSON.stringify(res.body)}`);
  const run = await waitForRun(t, res.body.id, { token });
  if (run.status !== 'completed') throw new Error(`Run ${run.id} ${run.status}: ${run.error}`);
  return run;
}

/** Every invoice and credit note, through the paged API. */
export async function allDocuments(t: TestApp, query: Record<string, string> = {}): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: Json } = await t.api().get(`/api/v1/invoices`).query({ ...query, limit: 200, ...(cursor ? { cursor } : {}) }).set(bearer(t.adminToken));
    if (res.status !== 200) throw new Error(`GET /invoices answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

export const sorted = (numbers: string[]) => [...numbers].sort();

/** INV-000001..INV-00000n (or CN-). */
export const series = (prefix: 'INV' | 'CN', count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(6, '0')}`);

/**
 * The Autumn 2026 term (census 2026-10-01, billed in 2026-Q4) with Arts Pioneers, two councils and their
 * contracts; `place()` registers one more participant, backdated to before the census.
 */
export async function billingWorld(t: TestApp) {
  const f = factories(t);
  const term = await f.term();
  const programme = await f.programme();
  const cambs = await f.commissioner({ name: 'Cambridgeshire County Council', invoiceEmail: 'ap@cambs.example', paymentTermsDays: 30 });
  const essex = await f.commissioner({ name: 'Essex County Council', paymentTermsDays: 14 });
  const cambsContract = await f.contract(cambs.id, [programme.id], { poNumber: 'PO-CAMBS-1', vatRateBasisPoints: 2000, pricePerTermPence: 45000 });
  const essexContract = await f.contract(essex.id, [programme.id], { pricePerTermPence: 50000 });
  await f.session(programme.id, { date: '2026-10-10' });

  async function place(options: { commissionerId?: string; type?: 'managed' | 'direct_payment'; registeredOn?: string; holderName?: string; reference?: string } = {}) {
    const participant = await f.participant();
    const budget = await f.budget(participant.id, options.commissionerId ?? cambs.id, {
      type: options.type ?? 'managed',
      ...(options.reference ? { reference: options.reference } : {}),
      ...(options.type === 'direct_payment' ? { holderName: options.holderName ?? 'Alex Smith', holderEmail: 'alex@family.example' } : {}),
    });
    const registration = await f.post('/registrations', {
      participantId: participant.id,
      programmeId: programme.id,
      termId: term.id,
      budgetId: budget.id,
      registeredOn: options.registeredOn ?? '2026-09-15',
    });
    if (registration.status !== 'registered') throw new Error(`not registered: ${JSON.stringify(registration)}`);
    return { participant, budget, registration: registration as Json & { id: string } };
  }
  return { f, term, programme, cambs, essex, cambsContract, essexContract, place };
}

/** `work` in one transaction on a bare `pg` pool (the way a worker runs billing), committed, or rolled back if it throws. */
export async function inPgTransaction<T>(pool: pg.Pool, work: (sql: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work({ query: (text: string, params?: unknown[]) => client.query(text, params).then((r) => r.rows) } as Queryable);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
