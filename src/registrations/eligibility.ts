import { ageOn } from '../common/london-calendar.js';
import { ruleBrokenOn, type ProblemError } from '../common/problem.js';
import { ProblemCode } from '../common/problem-codes.js';
import type { RegistrationFacts, RegistrationRequest } from './registration.repository.js';

/** What registering a participant depends on (rules 2 and 3 of DOMAIN.md). */
export interface EligibilityFacts {
  participant: { id: string; dateOfBirth: string; erased: boolean };
  programme: { minAge: number; maxAge: number };
  term: { startsOn: string; endsOn: string };
  budget: { participantId: string; validFrom: string; validTo: string; amountPence: number; committedPence: number };
  /** The budget's commissioner's contract covering the programme on the term's dates, if any. */
  contract: { pricePerTermPence: number } | undefined;
}

export const RegistrationRule = {
  AgeOutOfRange: ProblemCode.AgeOutOfRange,
  BudgetNotParticipants: ProblemCode.BudgetNotParticipants,
  BudgetNotValidForTerm: ProblemCode.BudgetNotValidForTerm,
  NoContract: ProblemCode.NoContractCoversProgramme,
  InsufficientBudget: ProblemCode.InsufficientBudget,
  ParticipantErased: ProblemCode.ParticipantErased,
} as const;

/** An erased participant cannot register (checked again under the participant's lock by place_registration). */
export function participantErased(): ProblemError {
  return ruleBrokenOn(RegistrationRule.ParticipantErased, 'participantId', 'the participant record has been erased');
}

/**
 * The first eligibility rule a registration breaks, or undefined when it may register.
 * Money is checked here for a clear message; the conditional update that commits it is the guard.
 */
export function eligibilityProblem(f: EligibilityFacts): ProblemError | undefined {
  if (f.participant.erased) return participantErased();
  const age = ageOn(f.participant.dateOfBirth, f.term.startsOn);
  if (age < f.programme.minAge || age > f.programme.maxAge) {
    return ruleBrokenOn(
      RegistrationRule.AgeOutOfRange,
      'participantId',
      `the participant is ${age} on the term's first day (${f.term.startsOn}); the programme takes ages ${f.programme.minAge} to ${f.programme.maxAge}`,
    );
  }
  if (f.budget.participantId !== f.participant.id) {
    return ruleBrokenOn(RegistrationRule.BudgetNotParticipants, 'budgetId', "the budget is not the participant's");
  }
  if (f.budget.validFrom > f.term.startsOn || f.budget.validTo < f.term.endsOn) {
    return ruleBrokenOn(
      RegistrationRule.BudgetNotValidForTerm,
      'budgetId',
      `the budget is valid ${f.budget.validFrom} to ${f.budget.validTo}, not for the whole term ${f.term.startsOn} to ${f.term.endsOn}`,
    );
  }
  if (!f.contract) {
    return ruleBrokenOn(
      RegistrationRule.NoContract,
      'budgetId',
      "the budget's commissioner has no contract covering this programme for the term's dates",
    );
  }
  const remaining = f.budget.amountPence - f.budget.committedPence;
  if (remaining < f.contract.pricePerTermPence) return insufficientBudget(remaining, f.contract.pricePerTermPence);
  return undefined;
}

export function insufficientBudget(remainingPence: number, pricePence: number): ProblemError {
  return ruleBrokenOn(
    RegistrationRule.InsufficientBudget,
    'budgetId',
    `the budget has ${remainingPence} pence uncommitted; the termly price is ${pricePence} pence`,
  );
}

/**
 * Why the facts refuse a registration, if they do: an unknown reference (naming the field), then the
 * eligibility rules above (naming the rule).
 */
export function refusalOf(r: RegistrationRequest, facts: RegistrationFacts): ProblemError | undefined {
  if (!facts.participantId) return ruleBrokenOn(ProblemCode.UnknownParticipant, 'participantId', `no participant with id ${r.participantId}`);
  if (!facts.programmeId) return ruleBrokenOn(ProblemCode.UnknownProgramme, 'programmeId', `no programme with id ${r.programmeId}`);
  if (!facts.termId) return ruleBrokenOn(ProblemCode.UnknownTerm, 'termId', `no term with id ${r.termId}`);
  if (!facts.budgetId) return ruleBrokenOn(ProblemCode.UnknownBudget, 'budgetId', `no budget with id ${r.budgetId}`);
  return eligibilityProblem({
    participant: { id: facts.participantId, dateOfBirth: facts.dateOfBirth, erased: facts.erased },
    programme: { minAge: facts.minAge, maxAge: facts.maxAge },
    term: { startsOn: facts.startsOn, endsOn: facts.endsOn },
    budget: {
      participantId: facts.budgetParticipantId,
      validFrom: facts.validFrom,
      validTo: facts.validTo,
      amountPence: facts.amountPence,
      committedPence: facts.committedPence,
    },
    contract: facts.contractId ? { pricePerTermPence: facts.pricePence } : undefined,
  });
}
