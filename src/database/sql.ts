import type { EntityManager } from 'typeorm';

/**
 * Statements with named parameters. Write SQL as a tagged template and put values where they go:
 *
 *   sql`SELECT id FROM registrations WHERE participant_id = ${participantId} AND status = ${status}`
 *
 * Each interpolated value becomes a bound parameter ($1..$n, numbered when the statement is compiled);
 * a fragment (another sql`...`) is spliced in with its own parameters, so clauses compose without anyone
 * counting placeholders. A value used in several places may be bound once with `bind(value)` and
 * interpolated as often as needed: it gets one number. `raw(text)` splices trusted SQL text (a column
 * expression built by the code, never input). Repositories run statements (database.repository.ts).
 */
export class Param {
  constructor(readonly value: unknown) {}
}

class Raw {
  constructor(readonly text: string) {}
}

export class Statement {
  /**
   * @internal text chunks and parameters, in order; `prepared`: the label of a hot statement kept prepared
   * on each pooled connection (see prepared() below)
   */
  constructor(
    readonly parts: readonly (string | Param)[],
    readonly preparedAs?: string,
  ) {}

  /**
   * The same statement, kept prepared (parsed and planned once per pooled connection, then only bound and
   * run) when it runs outside a transaction: for a hot path's statement whose text takes few forms (the
   * runner names each form it sees under `label`, up to a few, and runs any more unprepared). Inside a
   * transaction it runs as any other.
   */
  prepared(label: string): Statement {
    return new Statement(this.parts, label);
  }

  /** The text with $1..$n and the parameters in that order. */
  compile(): { text: string; params: unknown[] } {
    const numbers = new Map<Param, number>();
    const params: unknown[] = [];
    let text = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      let n = numbers.get(part);
      if (n === undefined) {
        params.push(part.value);
        n = params.length;
        numbers.set(part, n);
      }
      text += `$${n}`;
    }
    return { text, params };
  }
}

function partsOf(value: unknown): (string | Param)[] {
  if (value instanceof Statement) return [...value.parts];
  if (value instanceof Raw) return [value.text];
  if (value instanceof Param) return [value];
  return [new Param(value)];
}

/** A statement (or fragment of one) with its values bound as parameters. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Statement {
  const parts: (string | Param)[] = [strings[0]];
  values.forEach((value, i) => parts.push(...partsOf(value), strings[i + 1]));
  return new Statement(parts);
}

/** A value bound once however often it is interpolated. */
export function bind(value: unknown): Param {
  return new Param(value);
}

/** Trusted SQL text (built by the code, never from input), spliced as it is. */
export function raw(text: string): Raw {
  return new Raw(text);
}

/** Fragments joined by `separator` (a comma by default). */
export function join(fragments: readonly Statement[], separator = ', '): Statement {
  const parts: (string | Param)[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...fragment.parts);
  });
  return new Statement(parts);
}

/**
 * What a repository runs its statements on: a transaction's manager (`dataSource.transaction(em => ...)`),
 * `dataSource.manager` outside one. Tests that race transactions on their own `pg` connections pass a
 * shim with the same `query`. TypeORM answers a bare UPDATE or DELETE with `[rows, rowCount]`: use
 * affected() for those, rows() for statements that return rows.
 */
export type Queryable = Pick<EntityManager, 'query'>;
