import { Injectable } from '@nestjs/common';
import { execute, one } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/** The SQL of cancelling a session. */
@Injectable()
export class SessionCancellationRepository {
  /**
   * Cancels a scheduled session: the row FOR UPDATE first (it waits for attendance writes in flight,
   * whose trigger holds the session FOR SHARE, and later ones wait for it), then the UPDATE, stamped
   * with the clock after the lock. Run in one transaction. Answers 'cancelled', 'already-cancelled' or
   * 'not-found'.
   */
  async cancel(db: Queryable, c: { sessionId: string; reason: string; cancelledBy: string }): Promise<'cancelled' | 'already-cancelled' | 'not-found'> {
    const session = await one<{ status: string }>(db, sql`SELECT status FROM sessions WHERE id = ${c.sessionId} FOR UPDATE`);
    if (!session) return 'not-found';
    if (session.status === 'cancelled') return 'already-cancelled';
    await execute(
      db,
      sql`UPDATE sessions SET status = 'cancelled', cancellation_reason = ${c.reason}, cancelled_at = clock_timestamp(), cancelled_by = ${c.cancelledBy}
           WHERE id = ${c.sessionId}`,
    );
    return 'cancelled';
  }
}
