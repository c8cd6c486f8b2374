import { applyDecorators, type ArgumentMetadata, Injectable, type PipeTransform, type ValidationError, ValidationPipe } from '@nestjs/common';
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

/** A UUID. */
export function IsId(options?: ValidationOptions): PropertyDecorator {
  return IsUUID('all', { message: '$property must be a UUID', ...options });
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

function findNulCharacter(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNulCharacter(value[i], path ? `${path}.${i}` : String(i));
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found = findNulCharacter(child, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Checks the shape of a body before class-validator sees it: a JSON object (not an array, string or
 * number) without NUL characters, which PostgreSQL cannot store in text.
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !metadata.metatype || metadata.metatype === Object) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalidRequest('The body must be a JSON object');
    }
    const nul = findNulCharacter(value, '');
    if (nul !== undefined) throw invalidField(nul, 'must not contain NUL characters');
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
