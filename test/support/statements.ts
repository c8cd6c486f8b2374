import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Counts the statements the server runs, where TypeORM runs every one of them (its logger's logQuery, called
 * for each query whatever the log level; the pool path of database.repository.ts calls it too). Install once
 * per app; `during(work)` answers what ran while `work` did.
 */
export function recordStatements(app: INestApplication): { during<T>(work: () => PromiseLike<T>): Promise<{ result: T; ran: string[] }> } {
  let statements: string[] | undefined;
  const logger = app.get(DataSource).logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, runner) => {
    statements?.push(query);
    return logQuery(query, parameters, runner);
  };
  return {
    async during(work) {
      statements = [];
      try {
        const result = await work();
        return { result, ran: statements };
      } finally {
        statements = undefined;
      }
    },
  };
}
