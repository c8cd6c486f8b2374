import { eligibilityProblem, type EligibilityFacts, RegistrationRule } from './eligibility.js';

const facts = (overrides: Partial<{ [K in keyof EligibilityFacts]: Partial<EligibilityFacts[K]> }> = {}): EligibilityFacts => ({
  participant: { id: 'p1', dateOfBirth: '2013-05-14', erased: false, ...overrides.participant },
  programme: { minAge: 11, maxAge: 15, ...overrides.programme },
  term: { startsOn: '2026-09-01', endsOn: '2026-12-18', ...overrides.term },
  budget: { participantId: 'p1', validFrom: '2026-04-01', validTo: '2027-03-31', amountPence: 100000, committedPence: 0, ...overrides.budget },
  contract: 'contract' in overrides && overrides.contract === undefined ? undefined : { pricePerTermPence: 45000, ...overrides.contract },
});

const codeOf = (f: EligibilityFacts) => eligibilityProblem(f)?.code;

describe('registration eligibility', () => {
  it('accepts an eligible registration', () => {
    expect(eligibilityProblem(facts())).toBeUndefined();
  });

  it('takes the age on the first day of the term', () => {
    // 11 on 2026-09-01 exactly
    expect(codeOf(facts({ participant: { dateOfBirth: '2015-09-01' } }))).toBeUndefined();
    // turns 11 the day after the term starts: still 10
    expect(codeOf(facts({ participant: { dateOfBirth: '2015-09-02' } }))).toBe(RegistrationRule.AgeOutOfRange);
    // 15 on the first day: inside; 16: outside
    expect(codeOf(facts({ participant: { dateOfBirth: '2011-09-01' } }))).toBeUndefined();
    expect(codeOf(facts({ participant: { dateOfBirth: '2010-09-01' } }))).toBe(RegistrationRule.AgeOutOfRange);
  });

  it("needs the participant's own budget", () => {
    expect(codeOf(facts({ budget: { participantId: 'someone-else' } }))).toBe(RegistrationRule.BudgetNotParticipants);
  });

  it('needs a budget valid for the whole term', () => {
    expect(codeOf(facts({ budget: { validFrom: '2026-09-02' } }))).toBe(RegistrationRule.BudgetNotValidForTerm);
    expect(codeOf(facts({ budget: { validTo: '2026-12-17' } }))).toBe(RegistrationRule.BudgetNotValidForTerm);
    expect(codeOf(facts({ budget: { validFrom: '2026-09-01', validTo: '2026-12-18' } }))).toBeUndefined();
  });

  it('needs a contract covering the programme', () => {
    expect(codeOf(facts({ contract: undefined }))).toBe(RegistrationRule.NoContract);
  });

  it('needs enough uncommitted money for the termly price', () => {
    expect(codeOf(facts({ budget: { amountPence: 90000, committedPence: 45001 } }))).toBe(RegistrationRule.InsufficientBudget);
    expect(codeOf(facts({ budget: { amountPence: 90000, committedPence: 45000 } }))).toBeUndefined();
  });

  it('names the rule in the detail', () => {
    expect(eligibilityProblem(facts({ participant: { dateOfBirth: '2020-01-01' } }))?.detail).toMatch(/ages 11 to 15/);
  });
});
