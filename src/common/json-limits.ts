import type { FieldError } from './problem.js';

/** What a JSON body may hold before it is parsed: more than this costs more than any real request. */
export interface JsonLimits {
  /** Items in one array. */
  maxArrayItems: number;
  /** Values in the whole body (every string, number, literal, array and object). */
  maxValues: number;
  /** Arrays and objects inside one another (the outermost is level 0). */
  maxDepth: number;
}

interface Frame {
  array: boolean;
  /** Commas seen so far at this level: an array holds items + 1 values once it has one. */
  commas: number;
  /** Whether the array holds anything yet. */
  filled: boolean;
  /** The object key being read or last read. */
  key: string;
  /** How this container is reached from its parent: a key or an index. */
  segment: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

const pathOf = (stack: Frame[]) =>
  stack
    .map((frame) => frame.segment)
    .filter((segment) => segment !== '')
    .join('.') || '(body)';

/**
 * Scans the raw bytes of a JSON body, without building anything, for an array, a count of values or a
 * nesting that no request of this API needs, and names where it is. It stops at the first excess, so a
 * body holding 250,000 array items costs the scan of its first few thousand bytes instead of a
 * JSON.parse (tens of milliseconds of a blocked event loop per body) and a walk of every item.
 * Malformed JSON is left to JSON.parse to report.
 */
export function findJsonExcess(body: Buffer, limits: JsonLimits): FieldError | undefined {
  const stack: Frame[] = [];
  let values = 0;
  let expectKey = false;
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const c = body[i];
    if (c === SPACE || c === LF || c === CR || c === TAB) continue;
    const top = stack.length ? stack[stack.length - 1] : undefined;
    if (top?.array && !top.filled && c !== CLOSE_ARRAY) top.filled = true;
    if (c === QUOTE) {
      let end = i + 1;
      for (;;) {
        end = body.indexOf(QUOTE, end);
        if (end < 0) return undefined; // unterminated string: JSON.parse says so
        let backslashes = 0;
        for (let k = end - 1; k > i && body[k] === BACKSLASH; k--) backslashes++;
        if (backslashes % 2 === 0) break;
        end++;
      }
      if (top && !top.array && expectKey) {
        top.key = body.toString('utf8', i + 1, Math.min(end, i + 1 + 64));
        expectKey = false;
      } else {
        values++;
      }
      i = end;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      values++;
      const segment = top ? (top.array ? String(top.commas) : top.key) : '';
      stack.push({ array: c === OPEN_ARRAY, commas: 0, filled: false, key: '', segment });
      expectKey = c === OPEN_OBJECT;
      if (stack.length - 1 > limits.maxDepth) return { field: pathOf(stack), message: `is nested more than ${limits.maxDepth} levels deep` };
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      stack.pop();
      expectKey = false;
    } else if (c === COMMA) {
      if (!top) continue;
      top.commas++;
      if (top.array) {
        if (top.commas + 1 > limits.maxArrayItems) {
          return { field: pathOf(stack), message: `must contain no more than ${limits.maxArrayItems} elements` };
        }
      } else {
        expectKey = true;
      }
    } else if (c === COLON) {
      expectKey = false;
    } else {
      // the first byte of a number or a literal: skip to its end
      values++;
      while (i + 1 < n && !isDelimiter(body[i + 1])) i++;
    }
    if (values > limits.maxValues) return { field: '(body)', message: `must not hold more than ${limits.maxValues} values` };
  }
  return undefined;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === COLON || c === SPACE || c === LF || c === CR || c === TAB || c === QUOTE || c === OPEN_ARRAY || c === OPEN_OBJECT;
}
