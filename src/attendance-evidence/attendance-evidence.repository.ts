import { Injectable } from '@nestjs/common';
import type { AttendanceStatus } from '../attendance/dto/attendance.dto.js';
import { one, rows } from '../database/database.repository.js';
import { bind, type Queryable, sql } from '../database/sql.js';

/**
 * A place covers a session when it was registered on or before the session's date and not withdrawn
 * with an effective date on or before it (API.md v1.1, direct payments); a held session is scheduled
 * and dated on or before `today`. `r` is the registration, `s` the session. See attendance-summary.ts.
 */
const heldAndCovered = (today: string) => sql`s.status = 'scheduled' AND s.date <= ${today}::date
  AND r.registered_on IS NOT NULL AND s.date >= r.registered_on
  AND (r.withdrawal_effective_on IS NULL OR s.date < r.withdrawal_effective_on)`;

export interface PlaceRow {
  participantId: string;
  firstName: string;
  lastName: string;
  registrationId: string;
  registrationStatus: 'registered' | 'waitlisted' | 'withdrawn';
}

export interface HeldSessionRow {
  registrationId: string;
  sessionId: string;
  date: string;
  startTime: string;
  status: AttendanceStatus | null;
}

export interface EvidenceDocument {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  commissionerId: string;
  issueDate: string;
}

export interface EvidenceLine {
  line: number;
  description: string;
  kind: 'census' | 'late_joiner' | 'sessions';
  programmeId: string;
  programmeName: string;
  termId: string;
  termName: string;
  censusDate: string;
  periodStart: string;
  periodEnd: string;
  quantity: number;
  amountPence: number;
}

export interface EvidenceEntry {
  line: number;
  registrationId: string;
  participantId: string;
  firstName: string;
  lastName: string;
  registeredOn: string | null;
  withdrawalEffectiveOn: string | null;
  change: 1 | -1;
  budgetReference: string;
  councilId: string | null;
  sessionDate: string | null;
  amountPence: number;
}

export interface EvidenceSessionRow extends HeldSessionRow {
  line: number;
}

interface PlaceSqlRow {
  participant_id: string;
  first_name: string;
  last_name: string;
  registration_id: string;
  registration_status: PlaceRow['registrationStatus'];
}

const toPlace = (r: PlaceSqlRow): PlaceRow => ({
  participantId: r.participant_id,
  firstName: r.first_name,
  lastName: r.last_name,
  registrationId: r.registration_id,
  registrationStatus: r.registration_status,
});

interface SessionAttendanceSqlRow {
  line: number;
  registration_id: string;
  session_id: string;
  date: string;
  start_time: string;
  status: AttendanceStatus | null;
}

const toHeldSession = (r: Omit<SessionAttendanceSqlRow, 'line'>): HeldSessionRow => ({
  registrationId: r.registration_id,
  sessionId: r.session_id,
  date: r.date,
  startTime: r.start_time,
  status: r.status,
});

const toEvidenceSession = (r: SessionAttendanceSqlRow): EvidenceSessionRow => ({ line: r.line, ...toHeldSession(r) });

interface DocumentSqlRow {
  id: string;
  number: string;
  kind: EvidenceDocument['kind'];
  commissioner_id: string;
  issue_date: string;
}

const toEvidenceDocument = (r: DocumentSqlRow): EvidenceDocument => ({
  id: r.id,
  number: r.number,
  kind: r.kind,
  commissionerId: r.commissioner_id,
  issueDate: r.issue_date,
});

interface LineSqlRow {
  line: number;
  description: string;
  kind: EvidenceLine['kind'];
  programme_id: string;
  programme_name: string;
  term_id: string;
  term_name: string;
  census_date: string;
  period_start: string;
  period_end: string;
  quantity: number;
  amount_pence: number;
}

const toEvidenceLine = (r: LineSqlRow): EvidenceLine => ({
  line: r.line,
  description: r.description,
  kind: r.kind,
  programmeId: r.programme_id,
  programmeName: r.programme_name,
  termId: r.term_id,
  termName: r.term_name,
  censusDate: r.census_date,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  quantity: r.quantity,
  amountPence: r.amount_pence,
});

interface EntrySqlRow {
  line: number;
  registration_id: string;
  participant_id: string;
  first_name: string;
  last_name: string;
  registered_on: string | null;
  withdrawal_effective_on: string | null;
  change: 1 | -1;
  budget_reference: string;
  council_id: string | null;
  session_date: string | null;
  amount_pence: number;
}

const toEvidenceEntry = (r: EntrySqlRow): EvidenceEntry => ({
  line: r.line,
  registrationId: r.registration_id,
  participantId: r.participant_id,
  firstName: r.first_name,
  lastName: r.last_name,
  registeredOn: r.registered_on,
  withdrawalEffectiveOn: r.withdrawal_effective_on,
  change: r.change,
  budgetReference: r.budget_reference,
  councilId: r.council_id,
  sessionDate: r.session_date,
  amountPence: r.amount_pence,
});

/** The SQL of attendance evidence: a programme-term's held sessions per place, an invoice's ledger and attendance. */
@Injectable()
export class AttendanceEvidenceRepository {
  async programmeAndTermExist(db: Queryable, programmeId: string, termId: string): Promise<{ programme: boolean; term: boolean }> {
    const row = await one<{ programme: boolean; term: boolean }>(
      db,
      sql`SELECT EXISTS (SELECT 1 FROM programmes WHERE id = ${programmeId}) AS programme, EXISTS (SELECT 1 FROM terms WHERE id = ${termId}) AS term`,
    );
    return row!;
  }

  /** The programme-term's sessions: scheduled and dated up to today, and cancelled. */
  async sessionCounts(db: Queryable, programmeId: string, termId: string, today: string): Promise<{ held: number; scheduled: number; cancelled: number }> {
    const row = await one<{ held: number; scheduled: number; cancelled: number }>(
      db,
      sql`SELECT count(*) FILTER (WHERE status = 'scheduled' AND date <= ${today}::date)::int AS held,
                 count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled,
                 count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
            FROM sessions WHERE programme_id = ${programmeId} AND term_id = ${termId}`,
    );
    return row!;
  }

  /** Every registration of the programme-term that held a place at some time (waitlisted ones never did). */
  async places(db: Queryable, programmeId: string, termId: string): Promise<PlaceRow[]> {
    const found = await rows<PlaceSqlRow>(
      db,
      sql`SELECT p.id AS participant_id, p.first_name, p.last_name, r.id AS registration_id, r.status AS registration_status
            FROM registrations r JOIN participants p ON p.id = r.participant_id
           WHERE r.programme_id = ${programmeId} AND r.term_id = ${termId} AND r.registered_on IS NOT NULL
           ORDER BY p.last_name, p.first_name, p.id, r.id`,
    );
    return found.map(toPlace);
  }

  /** Each place's held sessions with the attendance recorded on them (status null: none). */
  async heldSessions(db: Queryable, programmeId: string, termId: string, today: string): Promise<HeldSessionRow[]> {
    const found = await rows<Omit<SessionAttendanceSqlRow, 'line'>>(
      db,
      sql`SELECT r.id AS registration_id, s.id AS session_id, s.date::text AS date, s.start_time::text AS start_time, a.status
            FROM registrations r
            JOIN sessions s ON s.programme_id = r.programme_id AND s.term_id = r.term_id AND ${heldAndCovered(today)}
            LEFT JOIN attendance a ON a.session_id = s.id AND a.participant_id = r.participant_id
           WHERE r.programme_id = ${programmeId} AND r.term_id = ${termId}
           ORDER BY r.id, s.date, s.start_time`,
    );
    return found.map(toHeldSession);
  }

  async document(db: Queryable, id: string): Promise<EvidenceDocument | null> {
    const row = await one<DocumentSqlRow>(
      db,
      sql`SELECT id, number, kind, commissioner_id, issue_date::text AS issue_date FROM documents WHERE id = ${id}`,
    );
    return row ? toEvidenceDocument(row) : null;
  }

  async lines(db: Queryable, documentId: string): Promise<EvidenceLine[]> {
    const found = await rows<LineSqlRow>(
      db,
      sql`SELECT l.line, l.description, l.kind, l.programme_id, p.name AS programme_name, l.term_id, t.name AS term_name,
                 t.census_date::text AS census_date, l.period_start::text AS period_start, l.period_end::text AS period_end,
                 l.quantity, l.amount_pence::int AS amount_pence
            FROM document_lines l JOIN programmes p ON p.id = l.programme_id JOIN terms t ON t.id = l.term_id
           WHERE l.document_id = ${documentId}
           ORDER BY l.line`,
    );
    return found.map(toEvidenceLine);
  }

  /** The ledger entries the document wrote: who each line billed (or credited), under which budget reference and council id. */
  async entries(db: Queryable, documentId: string): Promise<EvidenceEntry[]> {
    const found = await rows<EntrySqlRow>(
      db,
      sql`SELECT le.line, le.registration_id, r.participant_id, p.first_name, p.last_name,
                 r.registered_on::text AS registered_on, r.withdrawal_effective_on::text AS withdrawal_effective_on,
                 le.change, le.budget_reference, le.council_id, le.session_date::text AS session_date,
                 le.amount_pence
            FROM billing_ledger le JOIN registrations r ON r.id = le.registration_id JOIN participants p ON p.id = r.participant_id
           WHERE le.document_id = ${documentId}
           ORDER BY le.line, p.last_name, p.first_name, le.registration_id, le.session_date NULLS FIRST`,
    );
    return found.map(toEvidenceEntry);
  }

  /** For each line and registration it billed: the held sessions of the line's period its place covered, with attendance. */
  async periodSessions(db: Queryable, documentId: string, today: string): Promise<EvidenceSessionRow[]> {
    const document = bind(documentId);
    const found = await rows<SessionAttendanceSqlRow>(
      db,
      sql`SELECT b.line, r.id AS registration_id, s.id AS session_id, s.date::text AS date, s.start_time::text AS start_time, a.status
            FROM (SELECT DISTINCT line, registration_id FROM billing_ledger WHERE document_id = ${document}) b
            JOIN document_lines l ON l.document_id = ${document} AND l.line = b.line
            JOIN registrations r ON r.id = b.registration_id
            JOIN sessions s ON s.programme_id = l.programme_id AND s.term_id = l.term_id AND s.date BETWEEN l.period_start AND l.period_end
             AND ${heldAndCovered(today)}
            LEFT JOIN attendance a ON a.session_id = s.id AND a.participant_id = r.participant_id
           ORDER BY b.line, r.id, s.date, s.start_time`,
    );
    return found.map(toEvidenceSession);
  }

  /** Per line: sessions of its period cancelled (a council's credit), and scheduled ones held so far. */
  async periodSessionCounts(db: Queryable, documentId: string, today: string): Promise<Array<{ line: number; held: number; cancelled: number }>> {
    return rows<{ line: number; held: number; cancelled: number }>(
      db,
      sql`SELECT l.line,
                 count(s.id) FILTER (WHERE s.status = 'scheduled' AND s.date <= ${today}::date)::int AS held,
                 count(s.id) FILTER (WHERE s.status = 'cancelled')::int AS cancelled
            FROM document_lines l
            LEFT JOIN sessions s ON s.programme_id = l.programme_id AND s.term_id = l.term_id AND s.date BETWEEN l.period_start AND l.period_end
           WHERE l.document_id = ${documentId}
           GROUP BY l.line ORDER BY l.line`,
    );
  }
}
