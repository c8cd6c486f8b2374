import type { Response } from 'supertest';

/**
 * Asserts an RFC 9457 problem-details answer: the status, the media type, the four required members,
 * and (when `field` is given) that `errors` names that field.
 */
export function expectProblem(res: Response, status: number, field?: string): void {
  const req = (res as unknown as { req?: { method?: string; path?: string } }).req;
  const where = `${req?.method} ${req?.path} → ${res.status} ${JSON.stringify(res.body)}`;
  expect({ where, status: res.status }).toEqual({ where, status });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^https?:\/\//),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  if (field !== undefined) {
    expect({ where, fields: (res.body.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({
      where,
      fields: expect.arrayContaining([field]),
    });
    for (const error of res.body.errors) expect(error).toEqual({ field: expect.any(String), message: expect.any(String) });
  }
}

/** A well-formed UUID that names no record. */
export const NO_SUCH_ID = '01a00000-0000-7000-8000-000000000000';
