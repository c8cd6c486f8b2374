import { applyDecorators, type ArgumentMetadata, Injectable, type PipeTransform, type ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { defaultMetadataStorage as transformerMetadata } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, IsInt, IsUUID, Matches, Max, Min, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from './london-calendar.js';
import { findJsonExcess } from './json-limits.js';
import { type FieldError, invalidField, invalidRequest, ProblemError } from './problem.js';
import { ProblemCode } from './problem-codes.js';

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

/**
 * The most items an array may hold where no DTO says less (an unknown field, an array inside one): at least
 * the largest @ArrayMaxSize of any DTO (a contract's 500 programme ids), so only hostile bodies meet it.
 */
export const MAX_ARRAY_ITEMS = 1000;

/** The most values a whole body may hold (each string, number, array, object): a contract with 500 programmes holds about 520. */
export const MAX_BODY_VALUES = 20_000;

/**
 * body-parser's `verify` hook: runs on the raw bytes before JSON.parse, and refuses (400 naming where)
 * a body with an array of more than MAX_ARRAY_ITEMS items, more than MAX_BODY_VALUES values or nesting
 * deeper than MAX_BODY_DEPTH, so that such a body never costs a parse. JSON is UTF-8 (RFC 8259).
 */
export function refuseExcessiveJson(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding && !/^utf-?8$/i.test(encoding)) {
    throw new ProblemError(415, ProblemCode.UnsupportedMediaType, 'Unsupported media type', 'JSON bodies must be encoded as UTF-8');
  }
  const excess = findJsonExcess(body, { maxArrayItems: MAX_ARRAY_ITEMS, maxValues: MAX_BODY_VALUES, maxDepth: MAX_BODY_DEPTH });
  if (excess) throw invalidField(excess.field, excess.message);
}

/** The most fields one object of a body may have: no DTO has nearly this many. */
export const MAX_OBJECT_FIELDS = 100;

/** The most field errors one problem body lists; the detail says how many more there were. */
export const MAX_FIELD_ERRORS = 20;

/** Keys JavaScript gives a meaning to: never fields of this API (class-transformer would drop them silently). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Half of a UTF-16 surrogate pair without its other half: not text (validators throw on it, PostgreSQL would store U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badString(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode text (it holds a lone surrogate)';
  return undefined;
}

/** What a DTO says of one of its fields that matters before validation: how many items it takes, and its nested DTO. */
interface FieldShape {
  maxItems?: number;
  nested?: Function;
}

const shapes = new WeakMap<Function, Map<string, FieldShape>>();

/**
 * The @ArrayMaxSize and @Type of every field of a DTO, read once from class-validator's and
 * class-transformer's metadata (inherited ones included, so PartialType(...) DTOs have their parent's).
 */
export function dtoShape(dto: Function): Map<string, FieldShape> {
  let shape = shapes.get(dto);
  if (shape) return shape;
  shape = new Map();
  for (const rule of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const field = shape.get(rule.propertyName) ?? {};
    if (rule.name === 'arrayMaxSize' && typeof rule.constraints?.[0] === 'number') {
      field.maxItems = Math.min(field.maxItems ?? Infinity, rule.constraints[0]);
    }
    if (rule.type === 'nestedValidation') {
      const nested = transformerMetadata.findTypeMetadata(dto, rule.propertyName)?.typeFunction();
      if (typeof nested === 'function' && nested !== Object) field.nested = nested;
    }
    shape.set(rule.propertyName, field);
  }
  shapes.set(dto, shape);
  return shape;
}

/**
 * The first part of a parsed JSON body that no DTO may accept, if any. `dto` is the class the value
 * will become (undefined for values no DTO describes): an array longer than its field's @ArrayMaxSize
 * (or than MAX_ARRAY_ITEMS) is refused before a single item is looked at, so a body of 250,000 items
 * costs no more than one of 11.
 */
function findBadPart(value: unknown, path: string, depth: number, dto: Function | undefined, maxItems = MAX_ARRAY_ITEMS): FieldError | undefined {
  if (typeof value === 'string') {
    const message = badString(value);
    return message ? { field: path, message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_BODY_DEPTH) return { field: path, message: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    if (value.length > maxItems) return { field: path, message: `must contain no more than ${maxItems} elements (it has ${value.length})` };
    for (let i = 0; i < value.length; i++) {
      const found = findBadPart(value[i], `${path}.${i}`, depth + 1, dto);
      if (found) return found;
    }
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_OBJECT_FIELDS) return { field: path || '(body)', message: `must not have more than ${MAX_OBJECT_FIELDS} fields` };
  const shape = dto ? dtoShape(dto) : undefined;
  for (const key of keys) {
    const field = path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key)) return { field, message: 'is not a known field' };
    const own = shape?.get(key);
    const found = findBadPart((value as Record<string, unknown>)[key], field, depth + 1, own?.nested, own?.maxItems ?? MAX_ARRAY_ITEMS);
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks the shape of a body before class-transformer and class-validator see it: a JSON object (not an
 * array, string or number), without NUL characters (PostgreSQL cannot store them in text) or lone
 * surrogates, without keys such as __proto__, not nested so deep that walking it would overflow the
 * stack, and with no array longer than its DTO allows (@ArrayMaxSize; MAX_ARRAY_ITEMS where none is
 * declared) nor an object of more than MAX_OBJECT_FIELDS fields: class-validator would otherwise
 * validate every item of a 250,000-item array and report each of its errors.
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !metadata.metatype || metadata.metatype === Object) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalidRequest('The body must be a JSON object');
    }
    const bad = findBadPart(value, '', 0, metadata.metatype);
    if (bad) throw invalidField(bad.field, bad.message);
    return value;
  }
}

/** A 400 listing at most MAX_FIELD_ERRORS field errors, saying how many more there were. */
export function fieldErrorsProblem(fieldErrors: FieldError[]): ProblemError {
  const shown = fieldErrors.slice(0, MAX_FIELD_ERRORS);
  const omitted = fieldErrors.length - shown.length;
  const detail = shown.map((e) => `${e.field}: ${e.message}`).join('; ') + (omitted > 0 ? `; and ${omitted} more errors not listed` : '');
  return invalidRequest(detail, shown);
}

/** The one validation pipe: unknown fields are refused, every failing field is named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => fieldErrorsProblem(flatten(errors)),
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
