import { ETHNIC_GROUP_LABELS, GENDERS, PREFER_NOT_TO_SAY, SEND_CATEGORY_LABELS } from '../participants/equality-monitoring.js';
import { ARTS_AWARD_LEVELS, OUTCOME_KINDS, OUTCOME_STATUSES } from '../outcomes/outcome-rules.js';
import type { EqualityBreakdownResponse, EqualityTableResponse, OutcomeCountResponse } from './dto/monitoring-return.dto.js';
import type { CountedParticipant } from './monitoring-return.repository.js';
import { type Shown, suppressTable } from './suppression.js';

export const SUPPRESSION_NOTE =
  'Counts of young people from 1 to 4 are shown as "<5" ("<5" stands for 0 to 4: a 0 may be shown so too). Where a "<5" could ' +
  'otherwise be worked out from a total, another count is withheld as well: a 0 as "<5", or a count of 5 or more as "*". No ' +
  'withheld count can be worked out from the others and the totals. Counts of sessions are not counts of people and are shown in full.';

export const NOT_RECORDED = 'not_recorded';
const NOT_RECORDED_LABEL = 'Not recorded';
const PREFER_LABEL = 'Prefer not to say';
const GENDER_LABELS: Record<string, string> = { female: 'Female', male: 'Male', non_binary: 'Non-binary', other: 'Other', [PREFER_NOT_TO_SAY]: PREFER_LABEL };

/** A one-column table of categories with its total, suppressed. */
export function equalityTable(rows: Array<{ category: string; label: string; count: number }>): EqualityTableResponse {
  const t = suppressTable(rows.map((r) => [r.count]));
  return { rows: rows.map((r, i) => ({ category: r.category, label: r.label, count: t.cells[i][0] })), total: t.total };
}

/** The equality breakdown of the young people counted (no names: only counts, suppressed table by table). */
export function equalityBreakdown(people: CountedParticipant[]): EqualityBreakdownResponse {
  const count = (test: (p: CountedParticipant) => boolean) => people.filter(test).length;
  const gender = [...GENDERS.map((g) => ({ category: g, label: GENDER_LABELS[g], count: count((p) => p.gender === g) })),
    { category: NOT_RECORDED, label: NOT_RECORDED_LABEL, count: count((p) => p.gender === null) }];
  const ethnicity = [
    ...Object.entries(ETHNIC_GROUP_LABELS).map(([e, label]) => ({ category: e, label, count: count((p) => p.ethnicity === e) })),
    { category: PREFER_NOT_TO_SAY, label: PREFER_LABEL, count: count((p) => p.ethnicity === PREFER_NOT_TO_SAY) },
    { category: NOT_RECORDED, label: NOT_RECORDED_LABEL, count: count((p) => p.ethnicity === null) },
  ];
  const disability = [
    ...Object.entries(SEND_CATEGORY_LABELS).map(([d, label]) => ({ category: d, label, count: count((p) => (p.disabilityCategories ?? []).includes(d)) })),
    { category: PREFER_NOT_TO_SAY, label: PREFER_LABEL, count: count((p) => (p.disabilityCategories ?? []).includes(PREFER_NOT_TO_SAY)) },
    { category: NOT_RECORDED, label: NOT_RECORDED_LABEL, count: count((p) => !p.disabilityCategories?.length) },
  ];
  // a district is listed on its own only with 5 or more (listing it would tell that it has at least one)
  const districts = new Map<string, number>();
  for (const p of people) if (p.postcodeDistrict && p.postcodeDistrict !== PREFER_NOT_TO_SAY) districts.set(p.postcodeDistrict, (districts.get(p.postcodeDistrict) ?? 0) + 1);
  const big = [...districts.entries()].filter(([, n]) => n >= 5).sort(([a], [b]) => a.localeCompare(b));
  const small = [...districts.values()].filter((n) => n < 5).reduce((s, n) => s + n, 0);
  const postcode = [
    ...big.map(([d, n]) => ({ category: d, label: d, count: n })),
    { category: 'other_districts', label: 'Other districts (fewer than 5 each)', count: small },
    { category: PREFER_NOT_TO_SAY, label: PREFER_LABEL, count: count((p) => p.postcodeDistrict === PREFER_NOT_TO_SAY) },
    { category: NOT_RECORDED, label: NOT_RECORDED_LABEL, count: count((p) => p.postcodeDistrict === null) },
  ];
  return { gender: equalityTable(gender), ethnicity: equalityTable(ethnicity), disabilityCategories: equalityTable(disability), postcodeDistrict: equalityTable(postcode) };
}

/** Every kind × level × status (Arts Award by level), with the counts given, as one suppressed table. */
export function outcomeTable(counts: Array<{ kind: string; level: string | null; status: string; n: number }>): { rows: OutcomeCountResponse[]; total: Shown } {
  const combos: Array<{ kind: string; level: string | null; status: string }> = [];
  for (const kind of OUTCOME_KINDS) {
    for (const level of kind === 'arts_award' ? ARTS_AWARD_LEVELS : [null]) for (const status of OUTCOME_STATUSES) combos.push({ kind, level, status });
  }
  const n = (c: { kind: string; level: string | null; status: string }) =>
    counts.filter((x) => x.kind === c.kind && x.level === c.level && x.status === c.status).reduce((s, x) => s + x.n, 0);
  const t = suppressTable(combos.map((c) => [n(c)]));
  return { rows: combos.map((c, i) => ({ ...c, count: t.cells[i][0] })), total: t.total };
}
