import { applyDecorators, type ArgumentMetadata, Injectable, type PipeTransform, type ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsUUID, Matches, Max, Min, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from './london-calendar.js';
import { type FieldError, invalidField, invalidRequest } from './problem.js';

/** The largest amount of money the service accepts in one field: £20,000,000.00 (fits a Postgres integer). */
export const MAX_PENCE = 2_000_000_000;

/** A calendar date written YYYY-MM-DD that exists (2027-02-30 does not). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: () => 'must be a real calendar date written YYYY-MM-DD',
      },
    },
    options,
  );
}

/** Whole pence, never fractions: an integer from `min` to MAX_PENCE. */
export function IsPence(min = 0): PropertyDecorator {
  return applyDecorators(
    IsInt({ message: '$property must be a whole number of pence' }),
    Min(min),
    Max(MAX_PENCE),
  );
}

const lowerCased = (value: unknown): unknown =>
  typeof value === 'string' ? value.toLowerCase() : Array.isArray(value) ? value.map(lowerCased) : value;

/** A UUID, in any case (RFC 4122), lower-cased as PostgreSQL returns it, so ids compare as equal strings. */
export function IsId(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => lowerCased(value)),
    IsUUID('all', { message: '$property must be a UUID', ...options }),
  );
}

/**
 * A field a PATCH may leave out, but not set to null (its column is NOT NULL): unlike @IsOptional(),
 * null is still validated, so it is refused naming the field instead of reaching the service.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** A time of day written HH:MM (24-hour). */
export function IsTimeOfDay(): PropertyDecorator {
  return Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be a time written HH:MM' });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: error.constraints?.whitelistValidation === message ? 'is not a known field' : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Deeper than any body this API takes (a participant's guardians are 3 levels): refused before anything recurses into it. */
export const MAX_BODY_DEPTH = 16;

/** Keys JavaScript gives a meaning to: never fields of this API (class-transformer would drop them silently). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Half of a UTF-16 surrogate pair without its other half: not text (validators throw on it, PostgreSQL would store U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badString(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text (it holds a lone surrogate)';
  return undefined;
}

/** The first part of a parsed JSON body that no DTO may accept, if any. */
function findBadPart(value: unknown, path: string, depth: number): FieldError | undefined {
  if (typeof value === 'string') {
    const message = badString(value);
    return message ? { field: path, message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_BODY_DEPTH) return { field: path, message: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray ? value.map((child, i) => [String(i), child]) : Object.entries(value);
  for (const [key, child] of entries) {
    const field = path ? `${path}.${key}` : key;
    if (!isArray && RESERVED_KEYS.has(key)) return { field, message: 'is not a known field' };
    const found = findBadPart(child, field, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks the shape of a body before class-validator sees it: a JSON object (not an array, string or
 * number), without NUL characters (PostgreSQL cannot store them in text) or lone surrogates, without
 * keys such as __proto__, and not nested so deep that walking it would overflow the stack.
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !metadata.metatype || metadata.metatype === Object) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalidRequest('The body must be a JSON object');
    }
    const bad = findBadPart(value, '', 0);
    if (bad) throw invalidField(bad.field, bad.message);
    return value;
  }
}

/** The one validation pipe: unknown fields are refused, every failing field is named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return invalidRequest(fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '), fieldErrors);
    },
  });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids must be UUIDs: anything else is a 400 naming the parameter, never a database error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
      throw invalidField(metadata.data ?? 'id', 'must be a UUID');
    }
    return value.toLowerCase();
  }
}
