/** The one statement of the health checks: whether PostgreSQL answers (a data source, or a probe's own `pg` client). */
export async function ping(db: { query(text: string): Promise<unknown> }): Promise<void> {
  await db.query('SELECT 1');
}
