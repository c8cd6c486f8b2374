import type { EntityManager } from 'typeorm';

/**
 * Anything that runs SQL the way TypeORM's EntityManager does: a transaction's manager, or (in the
 * benchmarks' baseline) a thin shim over a `pg` client. Mind that TypeORM answers a bare UPDATE or
 * DELETE with `[rows, rowCount]`; the domain's statements return rows through a final SELECT instead.
 */
export type Sql = Pick<EntityManager, 'query'>;
