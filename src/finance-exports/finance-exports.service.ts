import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, keysetPage, type Page, type PageQuery } from '../common/pagination.js';
import { notFound } from '../common/problem.js';
import { inTransaction } from '../database/transaction.js';
import { type FinanceExportResponse, NOTHING_TO_EXPORT, type NothingToExportResponse } from './dto/finance-export.dto.js';
import type { ExportLayout } from './finance-export-csv.js';
import { createFinanceExport, type ExportSummary, financeExportCsv, findFinanceExport, listFinanceExports } from './finance-export.repository.js';

const toResponse = (s: ExportSummary): FinanceExportResponse => ({
  id: s.id,
  documentCount: s.documentCount,
  totalPence: s.totalPence,
  rowCount: s.rowCount,
  createdAt: s.createdAt.toISOString(),
});

/** Finance exports: batches of issued documents for the finance ledger, each document exported once. */
@Injectable()
export class FinanceExportsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The new export, or NOTHING_TO_EXPORT (and no export row) when every issued document is already exported. */
  async create(principal: Principal): Promise<FinanceExportResponse | NothingToExportResponse> {
    const created = await inTransaction(this.dataSource, (em) => createFinanceExport(em, 'api', principal.id));
    return created ? toResponse(created) : NOTHING_TO_EXPORT;
  }

  async get(id: string): Promise<FinanceExportResponse> {
    const found = await findFinanceExport(this.dataSource.manager, id);
    if (!found) throw notFound('finance export', id);
    return toResponse(found);
  }

  async list(query: PageQuery): Promise<Page<FinanceExportResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const exports = await listFinanceExports(this.dataSource.manager, query.cursor ? decodeCursor(query.cursor) : null, limit + 1);
    return keysetPage(exports, limit, toResponse);
  }

  /**
   * The export's CSV as a stream: a server-side cursor on its own connection, read a batch at a time as
   * the client takes the bytes (backpressure), released when the stream ends or the client goes away.
   */
  async file(id: string, layout: ExportLayout = 'standard'): Promise<Readable> {
    await this.get(id);
    const runner = this.dataSource.createQueryRunner();
    async function* csv(): AsyncGenerator<string> {
      await runner.connect();
      try {
        await runner.startTransaction('REPEATABLE READ');
        yield* financeExportCsv(runner, id, 500, layout);
        await runner.commitTransaction();
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
      }
    }
    return Readable.from(csv(), { objectMode: true, highWaterMark: 1 });
  }
}
