import { rows } from '../database/database.repository.js';
import { bind, type Queryable, sql } from '../database/sql.js';
import type { ComplianceKind, SubjectType } from '../compliance/compliance-rules.js';
import type { OutcomeCount } from '../outcomes/outcome.repository.js';
import type { HeldDocument } from './tender-criteria.js';

/*
 * The SQL of the tender evidence pack: what the compliance register holds now, the contracts of a period
 * with what was billed under them, the outcomes recorded in it and the young people who held a place in it.
 * It reads those tables; it writes nothing.
 */

interface HeldDocumentRow {
  id: string;
  kind: ComplianceKind;
  reference: string | null;
  issued_on: string;
  expires_on: string | null;
}

const toHeldDocument = (r: HeldDocumentRow): HeldDocument => ({
  id: r.id,
  kind: r.kind,
  reference: r.reference,
  issuedOn: r.issued_on,
  expiresOn: r.expires_on,
});

/** A current document of a user or programme (staff checks, risk assessments): its kind and expiry only. */
export interface SubjectDocument {
  kind: ComplianceKind;
  subjectType: SubjectType;
  expiresOn: string | null;
}

interface SubjectDocumentRow {
  kind: ComplianceKind;
  subject_type: SubjectType;
  expires_on: string | null;
}

const toSubjectDocument = (r: SubjectDocumentRow): SubjectDocument => ({ kind: r.kind, subjectType: r.subject_type, expiresOn: r.expires_on });

/** A contract in force at some time in a period, with what was billed under it. */
export interface EvidenceContract {
  id: string;
  reference: string;
  commissionerId: string;
  commissionerName: string;
  startsOn: string;
  endsOn: string;
  pricePerTermPence: number;
  programmeNames: string[];
  /** Invoiced less credited under the contract, net of VAT, to date. */
  billedNetPence: number;
}

interface EvidenceContractRow {
  id: string;
  reference: string;
  commissioner_id: string;
  commissioner_name: string;
  starts_on: string;
  ends_on: string;
  price_per_term_pence: number;
  programme_names: string[];
  billed_net_pence: number;
}

const toEvidenceContract = (r: EvidenceContractRow): EvidenceContract => ({
  id: r.id,
  reference: r.reference,
  commissionerId: r.commissioner_id,
  commissionerName: r.commissioner_name,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  pricePerTermPence: r.price_per_term_pence,
  programmeNames: r.programme_names,
  billedNetPence: r.billed_net_pence,
});

export const TenderEvidenceRepository = {
  /** The organisation's current compliance documents (one per kind at most: the register's partial unique index). */
  async organisationDocuments(db: Queryable): Promise<HeldDocument[]> {
    const found = await rows<HeldDocumentRow>(
      db,
      sql`SELECT id, kind, reference, issued_on, expires_on FROM compliance_documents
           WHERE subject_type = 'organisation' AND superseded_by IS NULL
           ORDER BY kind`,
    );
    return found.map(toHeldDocument);
  },

  /** The current documents of users and programmes of the given kinds (no subject named: counted only). */
  async subjectDocuments(db: Queryable, kinds: readonly ComplianceKind[]): Promise<SubjectDocument[]> {
    const found = await rows<SubjectDocumentRow>(
      db,
      sql`SELECT kind, subject_type, expires_on FROM compliance_documents
           WHERE subject_type IN ('user', 'programme') AND superseded_by IS NULL AND kind = ANY(${[...kinds]}::text[])
           ORDER BY kind, subject_type`,
    );
    return found.map(toSubjectDocument);
  },

  /**
   * Contracts in force at some time from `from` on (not ended before it), latest first, with their
   * commissioner, programmes and what was billed under them (invoice lines less credit-note lines, net).
   */
  async contractsSince(db: Queryable, from: string): Promise<EvidenceContract[]> {
    const found = await rows<EvidenceContractRow>(
      db,
      sql`SELECT c.id, c.reference, c.commissioner_id, cm.name AS commissioner_name, c.starts_on, c.ends_on, c.price_per_term_pence,
                 coalesce((SELECT array_agg(p.name ORDER BY p.name) FROM contract_programmes cp JOIN programmes p ON p.id = cp.programme_id
                            WHERE cp.contract_id = c.id), '{}') AS programme_names,
                 coalesce((SELECT sum(CASE d.kind WHEN 'invoice' THEN dl.amount_pence ELSE -dl.amount_pence END)
                             FROM document_lines dl JOIN documents d ON d.id = dl.document_id
                            WHERE dl.contract_id = c.id), 0)::bigint AS billed_net_pence
            FROM contracts c JOIN commissioners cm ON cm.id = c.commissioner_id
           WHERE c.ends_on >= ${from}::date
           ORDER BY c.starts_on DESC, c.reference`,
    );
    return found.map(toEvidenceContract);
  },

  /** Outcomes dated (achieved, else recorded) from `from` to `to`, by kind, level and status. */
  async outcomeCounts(db: Queryable, from: string, to: string): Promise<OutcomeCount[]> {
    return rows<OutcomeCount>(
      db,
      sql`SELECT kind, level, status, count(*)::int AS n FROM outcomes
           WHERE coalesce(achieved_on, recorded_on) BETWEEN ${from}::date AND ${to}::date
           GROUP BY kind, level, status`,
    );
  },

  /** The young people who held a place on a term overlapping `from`..`to`. */
  async servedBetween(db: Queryable, from: string, to: string): Promise<string[]> {
    const [start, end] = [bind(from), bind(to)];
    const found = await rows<{ id: string }>(
      db,
      sql`SELECT p.id FROM participants p
           WHERE EXISTS (SELECT 1 FROM registrations r JOIN terms t ON t.id = r.term_id
                          WHERE r.participant_id = p.id AND r.registered_on IS NOT NULL
                            AND t.ends_on >= ${start}::date AND t.starts_on <= ${end}::date)
           ORDER BY p.id`,
    );
    return found.map((r) => r.id);
  },
};
