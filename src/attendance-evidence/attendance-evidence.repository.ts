import { Injectable } from '@nestjs/common';
import type { AttendanceStatus } from '../attendance/dto/attendance.dto.js';
import type { Sql } from '../database/sql.js';

/**
 * A place covers a session when it was registered on or before the session's date and not withdrawn
 * with an effective date on or before it (API.md v1.1, direct payments); a held session is scheduled
 * and dated on or before $today. `r` is the registration, `s` the session. See attendance-summary.ts.
 */
const HELD_AND_COVERED = `s.status = 'scheduled' AND s.date <= $today::date
  AND r.registered_on IS NOT NULL AND s.date >= r.registered_on
  AND (r.withdrawal_effective_on IS NULL OR s.date < r.withdrawal_effective_on)`;

/** The named parameter $today, written as the statement's positional parameter `n`. */
const heldAndCovered = (n: number) => HELD_AND_COVERED.replace('$today', `$${n}`);

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

/** The SQL of attendance evidence: a programme-term's held sessions per place, an invoice's ledger and attendance. */
@Injectable()
export class AttendanceEvidenceRepository {
  async programmeAndTermExist(sql: Sql, programmeId: string, termId: string): Promise<{ programme: boolean; term: boolean }> {
    const [row] = await sql.query(
      `SELECT EXISTS (SELECT 1 FROM programmes WHERE id = $1) AS programme, EXISTS (SELECT 1 FROM terms WHERE id = $2) AS term`,
      [programmeId, termId],
    );
    return row;
  }

  /** The programme-term's sessions: scheduled and dated up to today, and cancelled. */
  async sessionCounts(sql: Sql, programmeId: string, termId: string, today: string): Promise<{ held: number; scheduled: number; cancelled: number }> {
    const [row] = await sql.query(
      `SELECT count(*) FILTER (WHERE status = 'scheduled' AND date <= $3::date)::int AS held,
              count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
         FROM sessions WHERE programme_id = $1 AND term_id = $2`,
      [programmeId, termId, today],
    );
    return row;
  }

  /** Every registration of the programme-term that held a place at some time (waitlisted ones never did). */
  async places(sql: Sql, programmeId: string, termId: string): Promise<PlaceRow[]> {
    return sql.query(
      `SELECT p.id AS "participantId", p.first_name AS "firstName", p.last_name AS "lastName", r.id AS "registrationId", r.status AS "registrationStatus"
         FROM registrations r JOIN participants p ON p.id = r.participant_id
        WHERE r.programme_id = $1 AND r.term_id = $2 AND r.registered_on IS NOT NULL
        ORDER BY p.last_name, p.first_name, p.id, r.id`,
      [programmeId, termId],
    );
  }

  /** Each place's held sessions with the attendance recorded on them (status null: none). */
  async heldSessions(sql: Sql, programmeId: string, termId: string, today: string): Promise<HeldSessionRow[]> {
    return sql.query(
      `SELECT r.id AS "registrationId", s.id AS "sessionId", s.date::text AS date, s.start_time::text AS "startTime", a.status
         FROM registrations r
         JOIN sessions s ON s.programme_id = r.programme_id AND s.term_id = r.term_id AND ${heldAndCovered(3)}
         LEFT JOIN attendance a ON a.session_id = s.id AND a.participant_id = r.participant_id
        WHERE r.programme_id = $1 AND r.term_id = $2
        ORDER BY r.id, s.date, s.start_time`,
      [programmeId, termId, today],
    );
  }

  async document(sql: Sql, id: string): Promise<EvidenceDocument | null> {
    const [row] = await sql.query(
      `SELECT id, number, kind, commissioner_id AS "commissionerId", issue_date::text AS "issueDate" FROM documents WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  async lines(sql: Sql, documentId: string): Promise<EvidenceLine[]> {
    return sql.query(
      `SELECT l.line, l.description, l.kind, l.programme_id AS "programmeId", p.name AS "programmeName", l.term_id AS "termId", t.name AS "termName",
              t.census_date::text AS "censusDate", l.period_start::text AS "periodStart", l.period_end::text AS "periodEnd",
              l.quantity, l.amount_pence::int AS "amountPence"
         FROM document_lines l JOIN programmes p ON p.id = l.programme_id JOIN terms t ON t.id = l.term_id
        WHERE l.document_id = $1
        ORDER BY l.line`,
      [documentId],
    );
  }

  /** The ledger entries the document wrote: who each line billed (or credited), under which budget reference and council id. */
  async entries(sql: Sql, documentId: string): Promise<EvidenceEntry[]> {
    return sql.query(
      `SELECT le.line, le.registration_id AS "registrationId", r.participant_id AS "participantId", p.first_name AS "firstName", p.last_name AS "lastName",
              r.registered_on::text AS "registeredOn", r.withdrawal_effective_on::text AS "withdrawalEffectiveOn",
              le.change, le.budget_reference AS "budgetReference", le.council_id AS "councilId", le.session_date::text AS "sessionDate",
              le.amount_pence AS "amountPence"
         FROM billing_ledger le JOIN registrations r ON r.id = le.registration_id JOIN participants p ON p.id = r.participant_id
        WHERE le.document_id = $1
        ORDER BY le.line, p.last_name, p.first_name, le.registration_id, le.session_date NULLS FIRST`,
      [documentId],
    );
  }

  /** For each line and registration it billed: the held sessions of the line's period its place covered, with attendance. */
  async periodSessions(sql: Sql, documentId: string, today: string): Promise<EvidenceSessionRow[]> {
    return sql.query(
      `SELECT b.line, r.id AS "registrationId", s.id AS "sessionId", s.date::text AS date, s.start_time::text AS "startTime", a.status
         FROM (SELECT DISTINCT line, registration_id FROM billing_ledger WHERE document_id = $1) b
         JOIN document_lines l ON l.document_id = $1 AND l.line = b.line
         JOIN registrations r ON r.id = b.registration_id
         JOIN sessions s ON s.programme_id = l.programme_id AND s.term_id = l.term_id AND s.date BETWEEN l.period_start AND l.period_end
          AND ${heldAndCovered(2)}
         LEFT JOIN attendance a ON a.session_id = s.id AND a.participant_id = r.participant_id
        ORDER BY b.line, r.id, s.date, s.start_time`,
      [documentId, today],
    );
  }

  /** Per line: sessions of its period cancelled (a council's credit), and scheduled ones held so far. */
  async periodSessionCounts(sql: Sql, documentId: string, today: string): Promise<Array<{ line: number; held: number; cancelled: number }>> {
    return sql.query(
      `SELECT l.line,
              count(s.id) FILTER (WHERE s.status = 'scheduled' AND s.date <= $2::date)::int AS held,
              count(s.id) FILTER (WHERE s.status = 'cancelled')::int AS cancelled
         FROM document_lines l
         LEFT JOIN sessions s ON s.programme_id = l.programme_id AND s.term_id = l.term_id AND s.date BETWEEN l.period_start AND l.period_end
        WHERE l.document_id = $1
        GROUP BY l.line ORDER BY l.line`,
      [documentId, today],
    );
  }
}
