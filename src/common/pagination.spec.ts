import { decodeCursor, encodeCursor, pageOf } from './pagination.js';
import { ProblemError } from './problem.js';

const ids = Array.from({ length: 7 }, (_, i) => `01a21870-0000-7000-8000-00000000000${i}`);

describe('cursors', () => {
  it('round-trips an id and is URL-safe', () => {
    for (const id of ids) {
      const cursor = encodeCursor(id);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(id);
      expect(decodeCursor(cursor)).toBe(id);
    }
  });

  it.each([
    ['garbage', 'garbage'],
    ['empty', ''],
    ['base64 of something else', Buffer.from('not-a-uuid').toString('base64url')],
    ['an upper-case UUID the service never issues', Buffer.from(ids[0].toUpperCase()).toString('base64url')],
    ['a UUID with a suffix', Buffer.from(`${ids[0]}x`).toString('base64url')],
    ['a raw UUID', ids[0]],
  ])('refuses %s with a 400 naming cursor', (_what, cursor) => {
    try {
      decodeCursor(cursor);
      throw new Error('expected a ProblemError');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      expect(error).toMatchObject({ status: 400, errors: [{ field: 'cursor', message: expect.any(String) }] });
    }
  });
});

describe('pageOf', () => {
  const rows = ids.map((id) => ({ id }));

  it('takes the default page of 50 and says there is no next page', () => {
    expect(pageOf(rows, {})).toEqual({ items: rows, nextCursor: null });
  });

  it('walks every row exactly once, whatever the page size', () => {
    for (const limit of [1, 2, 3, 6, 7, 8]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = pageOf(rows, { limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((r) => r.id));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect({ limit, seen }).toEqual({ limit, seen: ids });
    }
  });

  it('has no next page when the last page is exactly full', () => {
    const first = pageOf(rows, { limit: 4 });
    const second = pageOf(rows, { limit: 3, cursor: first.nextCursor! });
    expect(second).toEqual({ items: rows.slice(4), nextCursor: null });
  });
});
