import { execute, one, rows as rowsOf } from '../../database/database.repository.js';
import { bind, type Queryable, raw, sql as statement } from '../../database/sql.js';
import type { BillingUnit, CreditableLine, UnitKind } from '../runs/billing-lines.js';

/** Namespace of the quarter advisory locks (any fixed number distinct from the migrations lock). */
const QUARTER_LOCK_NAMESPACE = 74201;

/** Serialises everything that writes a quarter's billing ledger (runs and full credits), until commit. */
export async function lockQuarter(db: Queryable, quarter: string): Promise<void> {
  await one(db, statement`SELECT pg_advisory_xact_lock(${QUARTER_LOCK_NAMESPACE}, hashtext(${quarter}))`);
}

/** The quarter's lock if nobody holds it (false: a run or a credit of the quarter is being written right now). */
export async function tryLockQuarter(db: Queryable, quarter: string): Promise<boolean> {
  const row = await one<{ locked: boolean }>(db, statement`SELECT pg_try_advisory_xact_lock(${QUARTER_LOCK_NAMESPACE}, hashtext(${quarter})) AS locked`);
  return row?.locked === true;
}

/** An invoice's ledger entry that is still its unit's latest (what a full credit reverses), with its line. */
export type OpenEntry = CreditableLine['open'][number] & { line: number };

interface OpenEntryRow {
  line: number;
  registration_id: string;
  version: number;
  budget_reference: string;
  unit: string;
  session_id: string | null;
  session_date: string | null;
  council_id: string | null;
  amount_pence: number;
  vat_pence: number;
}

export async function openEntriesOf(db: Queryable, documentId: string): Promise<OpenEntry[]> {
  const found = await rowsOf<OpenEntryRow>(
    db,
    statement`SELECT l.line, l.registration_id, l.version, l.budget_reference, l.unit, l.session_id, l.session_date::text AS session_date,
                     l.council_id, l.amount_pence, l.vat_pence
                FROM billing_ledger l
               WHERE l.document_id = ${documentId} AND l.change = 1
                 AND NOT EXISTS (SELECT 1 FROM billing_ledger n WHERE n.registration_id = l.registration_id AND n.unit = l.unit AND n.version > l.version)`,
  );
  return found.map((r) => ({
    line: r.line,
    registrationId: r.registration_id,
    version: r.version,
    budgetReference: r.budget_reference,
    unit: r.unit,
    sessionId: r.session_id,
    sessionDate: r.session_date,
    councilId: r.council_id,
    amountPence: r.amount_pence,
    vatPence: r.vat_pence,
  }));
}

/** A unit row as the load query selects it. */
interface UnitRow {
  registration_id: string;
  unit: string;
  kind: UnitKind;
  session_id: string | null;
  session_date: string | null;
  programme_id: string;
  term_id: string;
  contract_id: string;
  commissioner_id: string;
  budget_id: string;
  budget_type: 'managed' | 'direct_payment';
  budget_reference: string;
  council_id: string | null;
  holder_name: string | null;
  holder_email: string | null;
  holder_address: { lines?: string[]; postcode?: string } | null;
  po_number: string | null;
  should_pence: number;
  billed_version: number | null;
  billed_net: string | number | null;
  billed_vat: string | number | null;
  last_invoice_id: string | null;
  last_invoice_po: string | null;
}

/** A holder's address as printed: its lines, then the postcode, one per line. */
export function formatAddress(address: { lines?: string[]; postcode?: string } | null): string | null {
  if (!address) return null;
  const parts = [...(address.lines ?? []), ...(address.postcode ? [address.postcode] : [])].filter((p) => p.trim() !== '');
  return parts.length ? parts.join('\n') : null;
}

function toUnit(r: UnitRow): BillingUnit {
  return {
    registrationId: r.registration_id,
    unit: r.unit,
    kind: r.kind,
    sessionId: r.session_id,
    sessionDate: r.session_date,
    programmeId: r.programme_id,
    termId: r.term_id,
    contractId: r.contract_id,
    commissionerId: r.commissioner_id,
    budgetId: r.budget_id,
    budgetType: r.budget_type,
    budgetReference: r.budget_reference,
    councilId: r.council_id,
    holderName: r.holder_name,
    holderEmail: r.holder_email,
    holderAddress: formatAddress(r.holder_address),
    poNumber: r.po_number,
    shouldPence: Number(r.should_pence),
    billed:
      r.billed_version === null
        ? null
        : {
            version: r.billed_version,
            netPence: Number(r.billed_net),
            vatPence: Number(r.billed_vat),
            lastInvoiceId: r.last_invoice_id,
            poNumber: r.last_invoice_po,
          },
  };
}

/** The cumulative state of a unit's ledger entries (its latest version, signed sums, its latest invoice). */
const BILLED_COLUMNS = raw(`max(l.version) AS billed_version, sum(l.change * l.amount_pence) AS billed_net, sum(l.change * l.vat_pence) AS billed_vat,
       (array_agg(l.document_id ORDER BY l.version DESC) FILTER (WHERE l.change = 1))[1] AS last_invoice_id`);

/** Who pays, and the snapshots a document keeps: joined to every unit. */
const PAYER_COLUMNS = raw(`r.programme_id, r.term_id, r.contract_id, b.commissioner_id, b.id AS budget_id, b.type AS budget_type,
       b.reference AS budget_reference, ci.council_id, b.holder_name, b.holder_email, b.holder_address, r.po_number`);
const PAYER_JOINS = raw(`JOIN personal_budgets b ON b.id = r.budget_id
  LEFT JOIN participant_council_ids ci ON ci.participant_id = r.participant_id AND ci.commissioner_id = b.commissioner_id`);

/*
 * The billing ledger's reads for a run (the units it may touch and what they should be billed, by the
 * SQL money rules of migrations/1764400000000) and its writes (entries, with the documents).
 */
export const BillingLedgerRepository = {
  /**
   * Places billed per term whose billing date — the census date, or for a late joiner the day it took
   * its place — lies in [from, to]: what each should be billed (its price when place_billable; else what
   * its cancelled sessions were credited, since those credits stand: place and credits then net to 0) and
   * has been.
   */
  async placeUnits(sql: Queryable, range: { from: string; to: string }): Promise<BillingUnit[]> {
    const from = bind(range.from);
    const to = bind(range.to);
    const rows = await rowsOf<UnitRow>(
      sql,
      statement`SELECT r.id AS registration_id, 'place' AS unit,
              CASE WHEN late_joiner(r.registered_on, t.census_date) THEN 'late_joiner' ELSE 'census' END AS kind,
              NULL::uuid AS session_id, NULL::text AS session_date, ${PAYER_COLUMNS},
              CASE WHEN place_billable(r.registered_on, r.withdrawal_effective_on, t.census_date) THEN r.price_pence
                   -- no longer billable: what its cancelled sessions were credited, so the place nets to nothing
                   ELSE (SELECT coalesce(sum(x.amount_pence), 0) FROM billing_ledger x WHERE x.registration_id = r.id AND x.unit LIKE 'cancelled:%')
              END AS should_pence,
              l.billed_version, l.billed_net, l.billed_vat, l.last_invoice_id, d.po_number AS last_invoice_po
         FROM terms t
         JOIN registrations r ON r.term_id = t.id
         ${PAYER_JOINS}
         LEFT JOIN LATERAL (
           SELECT ${BILLED_COLUMNS} FROM billing_ledger l WHERE l.registration_id = r.id AND l.unit = 'place') l ON true
         LEFT JOIN documents d ON d.id = l.last_invoice_id
        WHERE t.census_date <= ${to}::date AND t.ends_on >= ${from}::date
          AND r.billing = 'place' AND r.registered_on IS NOT NULL
          AND GREATEST(r.registered_on, t.census_date) BETWEEN ${from}::date AND ${to}::date`,
    );
    return rows.map(toUnit);
  },

  /**
   * Sessions of places billed by the session: every session dated in [from, to] that a place was priced
   * for or has been billed for (what it should be billed: its share of the price when the place covers
   * it, else 0), and every other session already billed whose amount should now differ (a backdated
   * withdrawal, a cancelled session, a share changed by a session added or cancelled) — so after any run
   * every billed session is billed at its current share and a place is never billed more than its price.
   * Never a session of another quarter that was never billed: its own quarter's run bills it.
   */
  async sessionUnits(sql: Queryable, range: { from: string; to: string }): Promise<BillingUnit[]> {
    const from = bind(range.from);
    const to = bind(range.to);
    const rows = await rowsOf<UnitRow>(
      sql,
      statement`WITH billed AS (
         SELECT l.registration_id, l.unit, l.session_id, min(l.session_date) AS session_date, ${BILLED_COLUMNS}
           FROM billing_ledger l
          WHERE l.session_id IS NOT NULL AND l.unit NOT LIKE 'cancelled:%'
          GROUP BY l.registration_id, l.unit, l.session_id),
       places AS (
         SELECT r.* FROM registrations r
          WHERE r.billing = 'sessions' AND r.registered_on IS NOT NULL
            AND (r.term_id IN (SELECT id FROM terms WHERE starts_on <= ${to}::date AND ends_on >= ${from}::date)
                 OR r.id IN (SELECT registration_id FROM billed))),
       should AS (
         SELECT p.id AS registration_id, sh.session_id, sh.session_date,
                CASE WHEN p.withdrawal_effective_on IS NULL OR sh.session_date < p.withdrawal_effective_on THEN sh.share_pence ELSE 0 END AS should_pence
           FROM places p CROSS JOIN LATERAL place_session_shares(p.programme_id, p.term_id, p.registered_on, p.price_pence) sh),
       units AS (
         SELECT coalesce(s.registration_id, bl.registration_id) AS registration_id, coalesce(s.session_id, bl.session_id) AS session_id,
                coalesce(s.session_date, bl.session_date) AS session_date, coalesce(s.should_pence, 0) AS should_pence,
                bl.billed_version, bl.billed_net, bl.billed_vat, bl.last_invoice_id
           FROM should s FULL JOIN billed bl ON bl.registration_id = s.registration_id AND bl.session_id = s.session_id
          WHERE coalesce(s.session_date, bl.session_date) BETWEEN ${from}::date AND ${to}::date
             OR (bl.registration_id IS NOT NULL AND coalesce(s.should_pence, 0) <> bl.billed_net))
       SELECT u.registration_id, u.session_id::text AS unit, 'sessions' AS kind, u.session_id, u.session_date::text AS session_date,
              ${PAYER_COLUMNS}, u.should_pence, u.billed_version, u.billed_net, u.billed_vat, u.last_invoice_id, NULL AS last_invoice_po
         FROM units u JOIN registrations r ON r.id = u.registration_id
         ${PAYER_JOINS}`,
    );
    return rows.map(toUnit);
  },

  /**
   * The commissioner's credits for cancelled sessions a run of a quarter owes (API.md "Session
   * cancellation"): one unit (registration, 'cancelled:<session>') per place billed per term to a
   * commissioner — still billable (place_billable), and billed (its 'place' unit has billed more than
   * nothing) or invoiced by this very run (its billing date is in the range) — and per cancelled session,
   * not a make-up, that the place's price covered (place_cancellation_shares), never credited yet. Its
   * should is minus the session's share of the place's price; it reverses the place's latest invoice and
   * takes its PO (for a place invoiced by this run, issueDocuments points it at that invoice). Which run
   * owes it, by the contract's `cancelled_sessions`:
   *   credit   a run of the quarter containing the later of the session's date and the place's billing
   *            date (census, or a late joiner's day), made on or after it (the range): so the place is
   *            always billed by then or by the same run;
   *   make_up  only while no scheduled make-up replaces it, and only once the term is over: a run of the
   *            quarter containing the term's last day, made after that day.
   */
  async cancelledSessionUnits(sql: Queryable, range: { from: string; to: string }, runOn: string): Promise<BillingUnit[]> {
    const from = bind(range.from);
    const to = bind(range.to);
    const rows = await rowsOf<UnitRow>(
      sql,
      statement`SELECT r.id AS registration_id, 'cancelled:' || s.id AS unit, 'cancelled_session' AS kind, s.id AS session_id,
              s.date::text AS session_date, ${PAYER_COLUMNS}, -sh.share_pence AS should_pence,
              0 AS billed_version, 0 AS billed_net, 0 AS billed_vat, l.last_invoice_id, d.po_number AS last_invoice_po
         FROM sessions s
         JOIN terms t ON t.id = s.term_id
         JOIN registrations r ON r.programme_id = s.programme_id AND r.term_id = s.term_id
         JOIN contracts c ON c.id = r.contract_id
         ${PAYER_JOINS}
         CROSS JOIN LATERAL (
           SELECT ${BILLED_COLUMNS} FROM billing_ledger l WHERE l.registration_id = r.id AND l.unit = 'place') l
         LEFT JOIN documents d ON d.id = l.last_invoice_id
         CROSS JOIN LATERAL place_cancellation_shares(r.programme_id, r.term_id, r.registered_on, late_joiner(r.registered_on, t.census_date), r.price_pence,
                                                      place_priced_at(r.created_at, r.registered_on)) sh
        WHERE s.status = 'cancelled' AND s.replaces_session_id IS NULL
          AND r.billing = 'place' AND r.registered_on IS NOT NULL AND b.type = 'managed'
          AND sh.session_id = s.id AND sh.share_pence > 0
          AND place_billable(r.registered_on, r.withdrawal_effective_on, t.census_date)
          AND (l.billed_net > 0 OR GREATEST(r.registered_on, t.census_date) BETWEEN ${from}::date AND ${to}::date)
          AND CASE c.cancelled_sessions
                WHEN 'credit' THEN GREATEST(s.date, r.registered_on, t.census_date) BETWEEN ${from}::date AND ${to}::date
                ELSE t.ends_on < ${runOn}::date AND t.ends_on BETWEEN ${from}::date AND ${to}::date
                     AND NOT EXISTS (SELECT 1 FROM sessions m WHERE m.replaces_session_id = s.id AND m.status = 'scheduled')
              END
          AND NOT EXISTS (SELECT 1 FROM billing_ledger x WHERE x.registration_id = r.id AND x.unit = 'cancelled:' || s.id)`,
    );
    return rows.map(toUnit);
  },

  /** The ledger entries of issued documents, in three arrays' worth of one INSERT. */
  async insertEntries(
    sql: Queryable,
    entries: Array<{
      registrationId: string;
      unit: string;
      version: number;
      change: number;
      programmeId: string;
      termId: string;
      documentId: string;
      line: number;
      budgetReference: string;
      councilId: string | null;
      sessionId: string | null;
      sessionDate: string | null;
      amountPence: number;
      vatPence: number;
      reversesDocumentId: string | null;
    }>,
  ): Promise<void> {
    if (entries.length === 0) return;
    const column = <K extends keyof (typeof entries)[number]>(key: K) => entries.map((e) => e[key]);
    await execute(
      sql,
      statement`WITH written AS (
         INSERT INTO billing_ledger (registration_id, unit, version, change, programme_id, term_id, document_id, line,
                                     budget_reference, council_id, session_id, session_date, amount_pence, vat_pence, reverses_document_id)
         SELECT * FROM unnest(${column('registrationId')}::uuid[], ${column('unit')}::text[], ${column('version')}::int[],
                              ${column('change')}::smallint[], ${column('programmeId')}::uuid[], ${column('termId')}::uuid[],
                              ${column('documentId')}::uuid[], ${column('line')}::int[], ${column('budgetReference')}::text[],
                              ${column('councilId')}::text[], ${column('sessionId')}::uuid[], ${column('sessionDate')}::date[],
                              ${column('amountPence')}::int[], ${column('vatPence')}::int[], ${column('reversesDocumentId')}::uuid[])
         RETURNING 1)
       SELECT count(*) AS written FROM written`,
    );
  },
};
