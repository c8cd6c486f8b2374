/**
 * The census rule. A participant counts in a programme-term's headcount when their registration was
 * `registered` at the end of the census date (Europe/London): it took a place on or before that date
 * and was not withdrawn with an effective date on or before it. The rule has one definition, the SQL
 * function counts_at_census (migrations/1764210000000-RegistrationStatements.ts), which
 * withdraw_registration, term corrections and the headcount all use: the headcount's registrations come
 * with its answer (headcount.repository.ts); test/census-rule.e2e-spec.ts is its test. Late joiners too
 * come from SQL (late_joiner and place_billable, same test file): nothing here restates a SQL rule.
 */
export interface CensusRegistration {
  registrationId: string;
  participantId: string;
  budgetId: string;
  budgetReference: string;
  budgetType: 'managed' | 'direct_payment';
  commissionerId: string;
  contractId: string;
  /** London date it took a place; null if it never did (waitlisted, or withdrawn while waiting). */
  registeredOn: string | null;
  withdrawalEffectiveOn: string | null;
  /** Whether it counts at the census date asked for (counts_at_census, in SQL). */
  countsAtCensus: boolean;
  /**
   * Whether it is a late joiner whose place is still billable, at the term's census date: late_joiner and
   * place_billable, in SQL (the headcount's lateJoiners counts these).
   */
  billableLateJoiner: boolean;
}

export interface CensusContract {
  contractId: string;
  commissionerId: string;
  pricePerTermPence: number;
  minParticipants: number | null;
}

export interface CommissionerHeadcount {
  commissionerId: string;
  count: number;
  managedCount: number;
  directPaymentCount: number;
  pricePerTermPence: number;
  incomePence: number;
}

export interface Headcount {
  count: number;
  byCommissioner: CommissionerHeadcount[];
  minParticipants: number | null;
  belowMinimum: boolean;
}

/**
 * How many late joiners a programme-term has (the headcount's lateJoiners): the registrations SQL flagged
 * billableLateJoiner. The rules are the SQL functions late_joiner and place_billable.
 */
export function lateJoinersAtCensus(registrations: Array<Pick<CensusRegistration, 'billableLateJoiner'>>): number {
  return registrations.filter((r) => r.billableLateJoiner).length;
}

/**
 * The headcount of the registrations that count at a census date (as counts_at_census answered for
 * each), split by commissioner into managed and direct-payment participants, priced with each
 * contract's termly price and compared with the contracts' minimum viable number (the largest minimum
 * among the contracts covering the programme-term).
 */
export function headcountAtCensus(registrations: CensusRegistration[], contracts: CensusContract[]): Headcount {
  const priceOf = new Map(contracts.map((c) => [c.contractId, c.pricePerTermPence]));
  const byCommissioner = new Map<string, CommissionerHeadcount>();
  let count = 0;
  for (const r of registrations) {
    if (!r.countsAtCensus) continue;
    count += 1;
    const price = priceOf.get(r.contractId) ?? 0;
    const entry = byCommissioner.get(r.commissionerId) ?? {
      commissionerId: r.commissionerId,
      count: 0,
      managedCount: 0,
      directPaymentCount: 0,
      pricePerTermPence: price,
      incomePence: 0,
    };
    entry.count += 1;
    if (r.budgetType === 'managed') entry.managedCount += 1;
    else entry.directPaymentCount += 1;
    entry.incomePence += price;
    byCommissioner.set(r.commissionerId, entry);
  }
  const minimums = contracts.map((c) => c.minParticipants).filter((m): m is number => m !== null);
  const minParticipants = minimums.length ? Math.max(...minimums) : null;
  return {
    count,
    byCommissioner: [...byCommissioner.values()].sort((a, b) => a.commissionerId.localeCompare(b.commissionerId)),
    minParticipants,
    belowMinimum: minParticipants !== null && count < minParticipants,
  };
}
