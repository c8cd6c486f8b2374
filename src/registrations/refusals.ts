import { ruleBrokenOn, type ProblemError } from '../common/problem.js';
import { ProblemCode } from '../common/problem-codes.js';
import type { RefusalFacts, RegistrationRefusal, RegistrationRequest } from './registration.repository.js';

/*
 * The wording of the refusals of a registration. The rules themselves (what refuses, in which order) are
 * the database function register_participant's (migrations/1764550000000-RegisterParticipant.ts): it
 * answers the first rule broken and the values to word it with; each is worded here as a problem naming
 * its rule (code) and the field at fault.
 */

type Wording = (request: RegistrationRequest, facts: RefusalFacts) => ProblemError;

/** An erased participant cannot register (checked again under the participant's lock by place_registration). */
export function participantErased(): ProblemError {
  return ruleBrokenOn(ProblemCode.ParticipantErased, 'participantId', 'the participant record has been erased');
}

const REFUSALS: Record<RegistrationRefusal, Wording> = {
  'unknown-participant': (r) => ruleBrokenOn(ProblemCode.UnknownParticipant, 'participantId', `no participant with id ${r.participantId}`),
  'unknown-programme': (r) => ruleBrokenOn(ProblemCode.UnknownProgramme, 'programmeId', `no programme with id ${r.programmeId}`),
  'unknown-term': (r) => ruleBrokenOn(ProblemCode.UnknownTerm, 'termId', `no term with id ${r.termId}`),
  'unknown-budget': (r) => ruleBrokenOn(ProblemCode.UnknownBudget, 'budgetId', `no budget with id ${r.budgetId}`),
  'participant-erased': participantErased,
  'age-out-of-range': (_r, f) =>
    ruleBrokenOn(
      ProblemCode.AgeOutOfRange,
      'participantId',
      `the participant is ${f.age} on the term's first day (${f.startsOn}); the programme takes ages ${f.minAge} to ${f.maxAge}`,
    ),
  'budget-not-participants': () => ruleBrokenOn(ProblemCode.BudgetNotParticipants, 'budgetId', "the budget is not the participant's"),
  'budget-not-valid-for-term': (_r, f) =>
    ruleBrokenOn(
      ProblemCode.BudgetNotValidForTerm,
      'budgetId',
      `the budget is valid ${f.validFrom} to ${f.validTo}, not for the whole term ${f.startsOn} to ${f.endsOn}`,
    ),
  'no-contract-covers-programme': () =>
    ruleBrokenOn(ProblemCode.NoContractCoversProgramme, 'budgetId', "the budget's commissioner has no contract covering this programme for the term's dates"),
  'insufficient-budget': (_r, f) =>
    ruleBrokenOn(
      ProblemCode.InsufficientBudget,
      'budgetId',
      `the budget has ${f.remainingPence} pence uncommitted; the termly price is ${f.pricePence} pence`,
    ),
  'term-ended': (_r, f) =>
    ruleBrokenOn(ProblemCode.TermEnded, 'termId', `the term ended on ${f.endsOn}; give registeredOn to record a past registration`),
  'registered-on-in-future': () => ruleBrokenOn(ProblemCode.RegisteredOnInFuture, 'registeredOn', 'must not be in the future'),
  'registered-on-after-term': () => ruleBrokenOn(ProblemCode.RegisteredOnAfterTerm, 'registeredOn', 'must not be after the term ends'),
};

/** The problem answering a refused registration: register_participant's refusal, worded. */
export function registrationRefused(refusal: RegistrationRefusal, request: RegistrationRequest, facts: RefusalFacts): ProblemError {
  return REFUSALS[refusal](request, facts);
}
