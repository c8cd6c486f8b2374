import { enableProblemCodeCheck, undocumentedProblems } from './problem-codes.js';

/**
 * Fails the e2e test that provoked a problem response whose code the OpenAPI document does not list
 * for its operation and status (recorded by checkProblemCodes, which createTestApp installs).
 */
function report(): void {
  const found = undocumentedProblems().splice(0);
  if (found.length) {
    throw new Error(`Problem codes missing from the operation's @ApiProblems (or the status they are answered with is not theirs):\n${found.join('\n')}`);
  }
}

enableProblemCodeCheck();
afterEach(report);
afterAll(report);
