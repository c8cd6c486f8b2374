import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { invalidField } from './problem.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=` on every collection. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The OpenAPI shape of a page; subclasses name the item type. */
export class PageResponse {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= to get the next page; null on the last page' })
  nextCursor: string | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The opaque cursor of a page that ended at `id`. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The id a cursor this service issued points after; anything else is a 400 naming `cursor`. */
export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID_PATTERN.test(id)) throw invalidField('cursor', 'is not a cursor this service issued');
  return id;
}

/**
 * Keyset paging on the primary key. Ids are UUIDv7 (see the first migration), so id order is
 * creation order, and a page never skips or repeats a row whatever is inserted meanwhile.
 */
export async function paginate<E extends ObjectLiteral & { id: string }, R>(
  query: SelectQueryBuilder<E>,
  page: PageQuery,
  toResponse: (entity: E) => R,
): Promise<Page<R>> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const alias = query.alias;
  if (page.cursor) query.andWhere(`${alias}.id > :pageCursor`, { pageCursor: decodeCursor(page.cursor) });
  const rows = await query.orderBy(`${alias}.id`, 'ASC').take(limit + 1).getMany();
  const items = rows.slice(0, limit);
  return {
    items: items.map(toResponse),
    nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null,
  };
}

/**
 * Keyset paging for hand-written SQL: fetch `limit + 1` rows with `id > decodeCursor(cursor)` in id
 * order, then hand them here.
 */
export function keysetPage<T extends { id: string }, R>(rows: T[], limit: number, toResponse: (row: T) => R): Page<R> {
  const items = rows.slice(0, limit);
  return { items: items.map(toResponse), nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
}

/** Pages an array already fetched in id order (for small derived lists). */
export function pageOf<T extends { id: string }>(rows: T[], page: PageQuery): Page<T> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const remaining = after ? rows.filter((r) => r.id > after) : rows;
  const items = remaining.slice(0, limit);
  return { items, nextCursor: remaining.length > limit ? encodeCursor(items[items.length - 1].id) : null };
}
