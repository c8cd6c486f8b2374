import { one } from '../database/database.repository.js';
import { type Queryable, sql } from '../database/sql.js';

/*
 * SQL over participants that other modules need: existence, and the key-share lock a case note is
 * written under (erasure's FOR UPDATE waits for it, so nothing is written beside or after an erasure).
 * The participant's own reads and changes go through the Participant entity (ParticipantsService).
 */

export async function participantExists(db: Queryable, id: string): Promise<boolean> {
  return (await one(db, sql`SELECT 1 FROM participants WHERE id = ${id}`)) !== undefined;
}

/**
 * Key-share locks the participant, as every writer of a participant's rows does (a note, a budget);
 * whether they are erased, or undefined when there is no such participant.
 */
export async function keyShareLockParticipant(db: Queryable, id: string): Promise<{ erased: boolean } | undefined> {
  const row = await one<{ erased_at: Date | null }>(db, sql`SELECT erased_at FROM participants WHERE id = ${id} FOR KEY SHARE`);
  return row && { erased: row.erased_at !== null };
}
