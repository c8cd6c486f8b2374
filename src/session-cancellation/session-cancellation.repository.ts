import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql.js';

/** The SQL of cancelling a session. */
@Injectable()
export class SessionCancellationRepository {
  /**
   * Cancels a scheduled session: the row FOR UPDATE first (it waits for attendance writes in flight,
   * whose trigger holds the session FOR SHARE, and later ones wait for it), then the UPDATE, stamped
   * with the clock after the lock. Run in one transaction. Answers 'cancelled', 'already-cancelled' or
   * 'not-found'.
   */
  async cancel(sql: Sql, c: { sessionId: string; reason: string; cancelledBy: string }): Promise<'cancelled' | 'already-cancelled' | 'not-found'> {
    const [session] = await sql.query(`SELECT status FROM sessions WHERE id = $1 FOR UPDATE`, [c.sessionId]);
    if (!session) return 'not-found';
    if (session.status === 'cancelled') return 'already-cancelled';
    await sql.query(
      `UPDATE sessions SET status = 'cancelled', cancellation_reason = $2, cancelled_at = clock_timestamp(), cancelled_by = $3 WHERE id = $1`,
      [c.sessionId, c.reason, c.cancelledBy],
    );
    return 'cancelled';
  }
}
