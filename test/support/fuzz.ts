/**
 * A small seeded generator of hostile JSON: random values of every type and random mutations of a
 * valid body. Deterministic for a seed, so a failure replays with FUZZ_SEED=<seed>.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

export const HOSTILE_STRINGS = [
  '',
  ' ',
  'a',
  'null',
  'true',
  '0',
  '-1',
  '1.5',
  '1e400',
  'NaN',
  '2027-02-30',
  '2026-10-10',
  '1899-12-31',
  '3000-01-01',
  '10:00',
  '24:00',
  '01a00000-0000-7000-8000-000000000000',
  '01A00000-0000-7000-8000-00000000000Z',
  'not-a-uuid',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎨🧒🏽👨‍👩‍👧',
  'ثقافة الأطفال',
  'Zoë Brontë-Ó Súilleabháin',
  'e\u0301\u0301\u0301',
  '\u202eevil',
  '\ud800',
  '\udfff\ud800',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '%00',
  '\\',
  '"',
  '__proto__',
  'a@b',
  'x@museum.example',
  'direct_payment',
  'managed',
  'admin',
  'participants:read',
] as const;

export const HOSTILE_NUMBERS = [
  0, -0, 1, -1, 2, 11, 12, 13, 0.5, 1.5, -1.5, 0.1, 1e-7, 255, 365, 366, 1000, 10000, 10001, 2 ** 31 - 1, 2 ** 31, 2 ** 32,
  2_000_000_000, 2_000_000_001, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE,
] as const;

const KEYS = ['x', 'id', 'extra', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '$where', 'a.b', '0'];

export class Fuzzer {
  constructor(private readonly r: Random) {}

  string(): string {
    const r = this.r;
    switch (r.int(6)) {
      case 0:
        return 'x'.repeat(1 + r.int(r.chance(0.5) ? 300 : 20_000));
      case 1:
        return Array.from({ length: 1 + r.int(40) }, () => String.fromCodePoint(r.chance(0.2) ? 0x1f300 + r.int(500) : 32 + r.int(0x2fff))).join('');
      default:
        return r.pick(HOSTILE_STRINGS);
    }
  }

  number(): number {
    const r = this.r;
    switch (r.int(4)) {
      case 0:
        return (r.next() - 0.5) * 10 ** r.int(12);
      case 1:
        return r.int(100) - 10;
      default:
        return r.pick(HOSTILE_NUMBERS);
    }
  }

  key(known: readonly string[] = []): string {
    const r = this.r;
    if (known.length && r.chance(0.3)) return `${r.pick(known)}${r.pick(['', 'X', '_', ' ', '\u0000'])}`;
    if (r.chance(0.1)) return 'k'.repeat(1 + r.int(2000));
    return r.chance(0.7) ? r.pick(KEYS) : this.string().slice(0, 50);
  }

  value(depth = 0): Json {
    const r = this.r;
    const kind = depth >= 4 ? r.int(4) : r.int(7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return r.chance(0.5);
      case 2:
        return this.number();
      case 3:
        return this.string();
      case 4:
        return Array.from({ length: r.int(5) }, () => this.value(depth + 1));
      case 5: {
        const object: Record<string, Json> = {};
        for (let i = r.int(5); i > 0; i--) object[this.key()] = this.value(depth + 1);
        return object;
      }
      default:
        return this.deep(2 + r.int(r.chance(0.2) ? 1000 : 30));
    }
  }

  /** Garbage nested `levels` deep (arrays or objects). */
  deep(levels: number): Json {
    let value: Json = this.r.chance(0.5) ? 1 : 'x';
    const asArray = this.r.chance(0.5);
    for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value };
    return value;
  }

  /** One to three random changes to a copy of a valid body. */
  mutate(valid: Record<string, Json>): Record<string, Json> {
    const r = this.r;
    const body = structuredClone(valid);
    const fields = Object.keys(valid);
    for (let n = 1 + r.int(3); n > 0; n--) {
      const field = r.pick(fields);
      switch (r.int(9)) {
        case 0: // wrong type or value
          body[field] = this.value();
          break;
        case 1: // missing field
          delete body[field];
          break;
        case 2: // unknown field
          Object.defineProperty(body, this.key(fields), { value: this.value(), enumerable: true, configurable: true, writable: true });
          break;
        case 3: // very long string
          body[field] = 'y'.repeat(r.pick([101, 201, 321, 5_001, 10_001, 100_000, 600_000]));
          break;
        case 4: // a number out of its range, fractional or huge
          body[field] = r.pick(HOSTILE_NUMBERS);
          break;
        case 5: // nested garbage
          body[field] = r.chance(0.5) ? [body[field] ?? null, this.value()] : { [field]: body[field] ?? null, nested: this.value(1) };
          break;
        case 6: // null
          body[field] = null;
          break;
        case 7: // a number as a string, a string as a number
          body[field] = typeof body[field] === 'number' ? String(body[field]) : typeof body[field] === 'string' ? r.pick(HOSTILE_NUMBERS) : this.value();
          break;
        default: {
          // inside arrays and objects
          const current = body[field];
          if (Array.isArray(current)) {
            if (r.chance(0.3)) body[field] = [];
            else if (current.length && r.chance(0.5)) current[r.int(current.length)] = this.value(1);
            else current.push(this.value(1));
          } else if (current && typeof current === 'object') {
            current[this.key()] = this.value(1);
          } else {
            body[field] = this.string();
          }
        }
      }
    }
    return body;
  }

  /** A plausible value of the same type as `value`: reaches the business rules (409, 422) rather than validation. */
  plausible(value: Json): Json {
    const r = this.r;
    if (typeof value === 'string') {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        return `${2020 + r.int(300)}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(31)).padStart(2, '0')}`;
      }
      if (/^\d{2}:\d{2}$/.test(value)) return `${String(r.int(25)).padStart(2, '0')}:${r.pick(['00', '30', '59', '60'])}`;
      if (/^[0-9a-f-]{36}$/.test(value)) return r.pick([value, '01a00000-0000-7000-8000-000000000000', value.toUpperCase()]);
      return r.pick([value, `${value} ${value}`, value.slice(0, 1), value.toUpperCase(), 'x@museum.example']);
    }
    if (typeof value === 'number') return r.pick([0, 1, -1, 12, 13, value + 1, value - 1, value * 2, Math.floor(value / 2)]);
    if (typeof value === 'boolean') return !value;
    if (Array.isArray(value)) return r.pick([[], [...value, ...value], value.map((v) => this.plausible(v))]);
    if (value && typeof value === 'object') {
      const copy = { ...value };
      const key = r.pick(Object.keys(copy));
      if (key !== undefined) copy[key] = this.plausible(copy[key]);
      return copy;
    }
    return value;
  }

  /** A valid body with one or two fields changed to plausible values. */
  tweak(valid: Record<string, Json>): Record<string, Json> {
    const body = structuredClone(valid);
    const fields = Object.keys(valid);
    for (let n = 1 + this.r.int(2); n > 0; n--) {
      const field = this.r.pick(fields);
      if (this.r.chance(0.15)) delete body[field];
      else body[field] = this.plausible(body[field]);
    }
    return body;
  }

  /** The raw text of a body: usually JSON of a mutated valid body, sometimes any JSON value or broken JSON. */
  body(valid: Record<string, Json>): string {
    const r = this.r;
    const roll = r.int(20);
    if (roll === 0) return JSON.stringify(this.value());
    if (roll === 1) return JSON.stringify(r.pick([null, [], [valid], 0, -1.5, 'text', true, {}]));
    if (roll === 2) {
      const text = JSON.stringify(this.mutate(valid));
      return r.chance(0.5) ? text.slice(0, r.int(text.length)) : `${text.slice(0, -1)},}`;
    }
    if (roll < 9) return JSON.stringify(this.tweak(valid));
    return JSON.stringify(this.mutate(valid));
  }
}
