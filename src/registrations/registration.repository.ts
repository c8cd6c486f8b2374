import type { Queryable } from '../database/sql.js';
import { ERASED_TEXT, ERASURE_PLAN, ERASURE_WITHDRAWAL_REASON, erasedSql } from '../data-protection/anonymisation.js';

/*
 * SQL over registrations written outside the database functions of
 * migrations/1764320000000-RegistrationLockOrder.ts (which hold registering, withdrawing and promoting).
 */

export interface ErasedRegistrations {
  /** Waitlisted registrations withdrawn because the participant was erased. */
  withdrawnFromWaitlist: number;
  /** Withdrawal reasons replaced by ERASED_TEXT. */
  reasonsErased: number;
}

/**
 * Erasure's part of a participant's registrations, called with the participant row locked FOR UPDATE
 * (step 3a of the lock order; erasure takes no programme or programme_terms lock). In one statement:
 * - every waitlisted registration is withdrawn, effective today moved into its term, with a neutral
 *   reason: it holds no money and no place, so nothing is released and no count changes, and it can
 *   never be promoted;
 * - every withdrawal reason already given (free text, e.g. "hospital admission") is replaced by
 *   ERASED_TEXT (ERASURE_PLAN.registrations).
 * Registered and withdrawn registrations otherwise stay as they are (financial records).
 *
 * One statement on purpose: a row updated twice in one transaction has its foreign keys checked again,
 * which would key-share-lock its programme_terms row while holding the participant — against the order.
 */
export async function eraseRegistrationsOf(sql: Queryable, participantId: string, today: string): Promise<ErasedRegistrations> {
  const reason = erasedSql('r.withdrawal_reason', ERASURE_PLAN.registrations.withdrawal_reason);
  const [row] = await sql.query(
    `WITH changed AS (
       UPDATE registrations r
          SET status = CASE WHEN r.status = 'waitlisted' THEN 'withdrawn' ELSE r.status END,
              withdrawn_at = CASE WHEN r.status = 'waitlisted' THEN now() ELSE r.withdrawn_at END,
              withdrawal_effective_on = CASE WHEN r.status = 'waitlisted' THEN LEAST(GREATEST($2::date, t.starts_on), t.ends_on)
                                             ELSE r.withdrawal_effective_on END,
              withdrawal_reason = CASE WHEN r.status = 'waitlisted' THEN $3 ELSE ${reason} END,
              updated_at = now()
         FROM terms t
        WHERE t.id = r.term_id AND r.participant_id = $1
          AND (r.status = 'waitlisted' OR r.withdrawal_reason NOT IN ($3, $4))
       RETURNING r.withdrawal_reason)
     SELECT count(*) FILTER (WHERE withdrawal_reason = $3)::int AS withdrawn_from_waitlist,
            count(*) FILTER (WHERE withdrawal_reason = $4)::int AS reasons_erased
       FROM changed`,
    [participantId, today, ERASURE_WITHDRAWAL_REASON, ERASED_TEXT],
  );
  return { withdrawnFromWaitlist: row.withdrawn_from_waitlist, reasonsErased: row.reasons_erased };
}
