import { negotiateMediaType } from './content-negotiation.js';
import { ProblemError } from './problem.js';

describe('negotiateMediaType', () => {
  const offered = ['application/json', 'application/pdf'] as const;
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/pdf', 'application/pdf'],
    ['application/*', 'application/json'],
    ['application/pdf, application/json;q=0.5', 'application/pdf'],
    ['application/json;q=0.2, application/pdf', 'application/pdf'],
    ['text/html, application/pdf;q=0.9', 'application/pdf'],
  ])('Accept %p → %s', (accept, expected) => {
    expect(negotiateMediaType(accept, offered)).toBe(expected);
  });

  it.each(['text/csv', 'text/html', 'application/pdf;q=0, application/json;q=0'])('Accept %p → 406', (accept) => {
    expect(() => negotiateMediaType(accept, offered)).toThrow(ProblemError);
    try {
      negotiateMediaType(accept, offered);
    } catch (error) {
      expect((error as ProblemError).status).toBe(406);
    }
  });
});
