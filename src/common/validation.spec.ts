import 'reflect-metadata';
import type { ArgumentMetadata } from '@nestjs/common';
import { getMetadataStorage, IsString, validateSync } from 'class-validator';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreateParticipantDto, UpdateParticipantDto } from '../participants/dto/participant.dto.js';
import { findJsonExcess } from './json-limits.js';
import { ProblemError } from './problem.js';
import {
  BodyShapePipe,
  createValidationPipe,
  dtoShape,
  fieldErrorsProblem,
  MAX_ARRAY_ITEMS,
  MAX_FIELD_ERRORS,
  MAX_OBJECT_FIELDS,
  IsCalendarDate,
  IsId,
  IsOmittable,
  IsPence,
  IsTimeOfDay,
  MAX_BODY_DEPTH,
  MAX_PENCE,
  ParseIdPipe,
} from './validation.js';

class Sample {
  @IsCalendarDate() date: unknown;
  @IsPence() pricePence: unknown;
  @IsPence(1) positivePence: unknown;
  @IsId() id: unknown;
  @IsTimeOfDay() time: unknown;
  @IsOmittable() @IsString() name?: unknown;
}

const VALID = { date: '2026-10-10', pricePence: 0, positivePence: 1, id: '01a21870-f3a1-7169-8749-fb8eee08e797', time: '10:00' };

/** The properties that fail when `overrides` is applied to a valid sample. */
function failing(overrides: Record<string, unknown>): string[] {
  const sample = Object.assign(new Sample(), VALID, overrides);
  return validateSync(sample).map((e) => e.property);
}

function problemOf(work: () => unknown): ProblemError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return error as ProblemError;
  }
  throw new Error('expected a ProblemError');
}

describe('validation decorators', () => {
  it('accept a valid sample', () => {
    expect(failing({})).toEqual([]);
  });

  it.each(['2027-02-29', '2027-02-30', '2026-04-31', '2026-13-01', '2026-10-1', '2026-10-10T00:00:00Z', '1899-12-31', '3000-01-01', '', 20261010, null, undefined])(
    'IsCalendarDate refuses %j',
    (date) => {
      expect(failing({ date })).toEqual(['date']);
    },
  );

  it.each(['2028-02-29', '1900-01-01', '2999-12-31'])('IsCalendarDate accepts %s', (date) => {
    expect(failing({ date })).toEqual([]);
  });

  it.each([1.5, 0.01, -1, MAX_PENCE + 1, 1e21, Number.NaN, Infinity, '100', null, true])('IsPence refuses %j', (pricePence) => {
    expect(failing({ pricePence })).toEqual(['pricePence']);
  });

  it('IsPence takes whole pence from its minimum to MAX_PENCE', () => {
    expect(failing({ pricePence: MAX_PENCE })).toEqual([]);
    expect(failing({ pricePence: 0, positivePence: 0 })).toEqual(['positivePence']);
  });

  it('IsId, IsTimeOfDay', () => {
    expect(failing({ id: 'abc' })).toEqual(['id']);
    expect(failing({ id: VALID.id.toUpperCase() })).toEqual([]);
    for (const time of ['24:00', '9:00', '10:60', '10:00:00', '']) expect(failing({ time })).toEqual(['time']);
    for (const time of ['00:00', '23:59', '09:05']) expect(failing({ time })).toEqual([]);
  });

  it('IsOmittable lets a field be left out but validates null', () => {
    expect(failing({})).toEqual([]);
    expect(failing({ name: 'Sam' })).toEqual([]);
    expect(failing({ name: null })).toEqual(['name']);
    expect(failing({ name: 7 })).toEqual(['name']);
  });
});

describe('BodyShapePipe', () => {
  const pipe = new BodyShapePipe();
  const body: ArgumentMetadata = { type: 'body', metatype: Sample };

  it('passes a plain object through, and anything that is not a DTO body', () => {
    const value = { a: [{ b: 'c' }] };
    expect(pipe.transform(value, body)).toBe(value);
    expect(pipe.transform('x', { type: 'query', metatype: String })).toBe('x');
    expect(pipe.transform([1], { type: 'body', metatype: Object })).toEqual([1]);
  });

  it.each([[[]], ['text'], [42], [null], [true], [undefined]])('refuses a body that is %j', (value) => {
    expect(problemOf(() => pipe.transform(value, body)).status).toBe(400);
  });

  it.each([
    [{ name: 'a\u0000b' }, 'name'],
    [{ guardians: [{ name: 'x' }, { name: '\u0000' }] }, 'guardians.1.name'],
    [{ name: '\ud800' }, 'name'],
    [{ name: 'ok', other: 'x\udfff' }, 'other'],
    [JSON.parse('{"__proto__":{"a":1}}'), '__proto__'],
    [JSON.parse('{"guardians":[{"constructor":1}]}'), 'guardians.0.constructor'],
    [{ prototype: 1 }, 'prototype'],
  ])('refuses %j naming %s', (value, field) => {
    const problem = problemOf(() => pipe.transform(value, body));
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([{ field, message: expect.any(String) }]);
  });

  it('accepts surrogate pairs (emoji) and nesting up to the limit, refuses deeper', () => {
    expect(pipe.transform({ name: '🎨🧒🏽' }, body)).toEqual({ name: '🎨🧒🏽' });
    const nest = (levels: number) => {
      let value: unknown = 'x';
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(() => pipe.transform({ a: nest(MAX_BODY_DEPTH - 1) }, body)).not.toThrow();
    expect(problemOf(() => pipe.transform({ a: nest(MAX_BODY_DEPTH + 1) }, body)).status).toBe(400);
    // far deeper than the stack would allow to walk recursively
    expect(problemOf(() => pipe.transform({ a: nest(200_000) }, body)).status).toBe(400);
  });
});

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe();
  it('lower-cases a UUID and refuses anything else naming the parameter', () => {
    expect(pipe.transform('01A21870-F3A1-7169-8749-FB8EEE08E797', { type: 'param', data: 'id' })).toBe('01a21870-f3a1-7169-8749-fb8eee08e797');
    for (const bad of ['abc', '', '01a21870f3a171698749fb8eee08e797', '01a21870-f3a1-7169-8749-fb8eee08e79g']) {
      expect(problemOf(() => pipe.transform(bad, { type: 'param', data: 'programmeId' })).errors).toEqual([
        { field: 'programmeId', message: 'must be a UUID' },
      ]);
    }
  });
});

describe('the validation pipe', () => {
  it('names every failing field, nested ones with their path, and refuses unknown fields', async () => {
    const pipe = createValidationPipe();
    let problem: ProblemError | undefined;
    try {
      await pipe.transform({ date: 'x', pricePence: 1.5, extra: 1 }, { type: 'body', metatype: Sample });
    } catch (error) {
      problem = error as ProblemError;
    }
    expect(problem).toBeInstanceOf(ProblemError);
    expect(problem!.status).toBe(400);
    const fields = problem!.errors!.map((e) => e.field);
    expect(new Set(fields)).toEqual(new Set(['date', 'pricePence', 'positivePence', 'id', 'time', 'extra']));
    expect(problem!.errors!.find((e) => e.field === 'extra')!.message).toBe('is not a known field');
  });
});

describe('array caps before validation (issue 8)', () => {
  const pipe = new BodyShapePipe();
  const participant: ArgumentMetadata = { type: 'body', metatype: CreateParticipantDto };
  const patch: ArgumentMetadata = { type: 'body', metatype: UpdateParticipantDto };
  const guardian = { name: 'Alex', relationship: 'mother' };

  it("refuses an array longer than its field's @ArrayMaxSize before looking at one item, in POST and PATCH DTOs", () => {
    for (const metadata of [participant, patch]) {
      expect(() => pipe.transform({ guardians: Array(10).fill(guardian) }, metadata)).not.toThrow();
      const problem = problemOf(() => pipe.transform({ guardians: Array(11).fill({}) }, metadata));
      expect(problem.errors).toEqual([{ field: 'guardians', message: 'must contain no more than 10 elements (it has 11)' }]);
      expect(problemOf(() => pipe.transform({ emergencyContacts: Array(250_000).fill({}) }, metadata)).errors).toEqual([
        { field: 'emergencyContacts', message: 'must contain no more than 10 elements (it has 250000)' },
      ]);
    }
  });

  it('caps arrays no DTO describes at MAX_ARRAY_ITEMS, and objects at MAX_OBJECT_FIELDS fields', () => {
    expect(() => pipe.transform({ unknown: Array(MAX_ARRAY_ITEMS).fill(1) }, participant)).not.toThrow();
    expect(problemOf(() => pipe.transform({ unknown: Array(MAX_ARRAY_ITEMS + 1).fill(1) }, participant)).errors![0].field).toBe('unknown');
    expect(problemOf(() => pipe.transform({ guardians: [{ x: Array(MAX_ARRAY_ITEMS + 1).fill(1) }] }, participant)).errors![0].field).toBe('guardians.0.x');
    const wide = Object.fromEntries(Array.from({ length: MAX_OBJECT_FIELDS + 1 }, (_, i) => [`f${i}`, 1]));
    expect(problemOf(() => pipe.transform(wide, participant)).status).toBe(400);
    expect(problemOf(() => pipe.transform({ guardians: [wide] }, participant)).errors![0].field).toBe('guardians.0');
  });

  it('every array field of every request DTO declares an @ArrayMaxSize no larger than MAX_ARRAY_ITEMS', async () => {
    const root = resolve(import.meta.dirname, '..');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\/dto\/[^/]+\.dto\.ts$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) await import(resolve(root, file));
    const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, Array<{ propertyName: string; name?: string; type: string }>> };
    const unbounded: string[] = [];
    for (const [target, rules] of storage.validationMetadatas) {
      const arrays = new Set(rules.filter((r) => r.name === 'isArray' || r.type === 'isArray').map((r) => r.propertyName));
      for (const property of arrays) {
        const max = dtoShape(target).get(property)?.maxItems;
        if (!(max !== undefined && max <= MAX_ARRAY_ITEMS)) unbounded.push(`${target.name}.${property}`);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('a problem lists at most MAX_FIELD_ERRORS field errors and says how many more there were', () => {
    const errors = Array.from({ length: 57 }, (_, i) => ({ field: `f${i}`, message: 'is wrong' }));
    const problem = fieldErrorsProblem(errors);
    expect(problem.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(problem.detail).toMatch(/; and 37 more errors not listed$/);
    expect(fieldErrorsProblem(errors.slice(0, 3)).detail).toBe('f0: is wrong; f1: is wrong; f2: is wrong');
  });
});

describe('findJsonExcess (raw body scan before JSON.parse)', () => {
  const limits = { maxArrayItems: 5, maxValues: 40, maxDepth: 3 };
  const scan = (json: string) => findJsonExcess(Buffer.from(json), limits);

  it.each([
    ['{"a":[1,2,3,4,5]}'],
    ['{"a":[],"b":{},"c":"x,y,[z]","d":"\\"[1,2,3,4,5,6,7]"}'],
    ['{"a":[{"b":[1]}]}'],
    ['{"a":"é, ü, 🎨","b":-1.5e3,"c":true,"d":null}'],
    ['{"a":[1,2,'], // malformed: left to JSON.parse
  ])('lets %s through', (json) => {
    expect(scan(json)).toBeUndefined();
  });

  it.each([
    ['{"a":[1,2,3,4,5,6]}', 'a', /no more than 5 elements/],
    ['{"x":{"y":[{},{},{},{},{},{}]}}', 'x.y', /no more than 5 elements/],
    ['{"g":[[],[1,2,3,4,5,6]]}', 'g.1', /no more than 5 elements/],
    ['{"k\\"ey":[1,2,3,4,5,6]}', 'k\\"ey', /no more than 5 elements/],
    ['{"a":[[[[1]]]]}', 'a.0.0.0', /nested more than 3 levels/],
    [`{${Array.from({ length: 41 }, (_, i) => `"k${i}":${i}`).join(',')}}`, '(body)', /more than 40 values/],
    ['[1,2,3,4,5,6]', '(body)', /no more than 5 elements/],
  ])('refuses %s naming %s', (json, field, message) => {
    expect(scan(json)).toEqual({ field, message: expect.stringMatching(message) });
  });

  it('stops at the first excess: 250,000 items are refused without reading past the one too many', () => {
    const limits = { maxArrayItems: MAX_ARRAY_ITEMS, maxValues: 20_000, maxDepth: MAX_BODY_DEPTH };
    const items = (n: number) => Array.from({ length: n }, () => '{}').join(',');
    // After the first item too many, the rest of the body is an unterminated string: a scan that read on
    // would reach it and give up (undefined, left to JSON.parse), so naming the array proves it stopped.
    const tail = `,"${items(250_000)}`;
    const stopped = Buffer.from(`{"guardians":[${items(MAX_ARRAY_ITEMS + 1)}${tail}`);
    expect(findJsonExcess(stopped, limits)?.field).toBe('guardians');
    const within = Buffer.from(`{"guardians":[${items(MAX_ARRAY_ITEMS - 1)}${tail}`); // the tail's string is the last item allowed
    expect(findJsonExcess(within, limits)).toBeUndefined();
  });
});
