/**
 * A client generated from the API description, used as an integrator would: `npm run openapi:check`
 * generates ./generated/api.d.ts with openapi-typescript and compiles this file (tsc, no emit). It is
 * never run; a wrong type in the description (money as a float, an id that is not a string, a request
 * body that does not match, an error that is not problem details) fails the compilation.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

type Schemas = components['schemas'];
type Problem = Schemas['ProblemDetails'];

// Ids are strings, money and counts numbers (openapi-typescript maps `integer` to number), dates strings
assertType<Equals<Schemas['ParticipantResponse']['id'], string>>();
assertType<Equals<Schemas['InvoiceResponse']['totalPence'], number>>();
assertType<Equals<Schemas['InvoiceResponse']['lines'][number]['quantity'], number>>();
assertType<Equals<Schemas['HeadcountResponse']['count'], number>>();
assertType<Equals<Schemas['RegistrationResponse']['waitlistPosition'], number | null>>();
assertType<Equals<Schemas['TermResponse']['censusDate'], string>>();
assertType<Equals<Schemas['RegistrationResponse']['status'], 'registered' | 'waitlisted' | 'withdrawn'>>();

// Request bodies are the DTOs
type RegisterBody = paths['/api/v1/registrations']['post']['requestBody']['content']['application/json'];
assertType<Equals<RegisterBody, Schemas['CreateRegistrationDto']>>();
assertType<Equals<RegisterBody['participantId'], string>>();

// Errors are problem details, as application/problem+json
assertType<Equals<paths['/api/v1/participants/{id}']['get']['responses'][404]['content']['application/problem+json'], Problem>>();
assertType<Equals<paths['/api/v1/registrations']['post']['responses'][422]['content']['application/problem+json'], Problem>>();
assertType<Equals<paths['/api/v1/registrations']['post']['responses'][409]['content']['application/problem+json'], Problem>>();
assertType<Equals<Problem['status'], number>>();

// The health checks need no token; every /api/v1 route does (the client sends it on every call)
export async function register(baseUrl: string, token: string, ids: Pick<RegisterBody, 'participantId' | 'programmeId' | 'termId' | 'budgetId'>) {
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  const { data, error } = await api.POST('/api/v1/registrations', { body: ids });
  if (error) {
    const detail: string = error.detail;
    const field: string | undefined = error.errors?.[0]?.field;
    return { detail, field };
  }
  const price: number = data.pricePence;
  // @ts-expect-error pence are numbers, never strings
  const wrong: string = data.pricePence;
  void wrong;

  // @ts-expect-error a registration needs a budget
  await api.POST('/api/v1/registrations', { body: { participantId: ids.participantId, programmeId: ids.programmeId, termId: ids.termId } });

  const participant = await api.GET('/api/v1/participants/{id}', { params: { path: { id: data.participantId } } });
  const firstName: string | undefined = participant.data?.firstName;

  const page = await api.GET('/api/v1/invoices', { params: { query: { limit: 10 } } });
  const owed: number = (page.data?.items ?? []).reduce((sum, invoice) => sum + invoice.balancePence, 0);

  const headcount = await api.GET('/api/v1/programmes/{programmeId}/terms/{termId}/headcount', {
    params: { path: { programmeId: ids.programmeId, termId: ids.termId } },
  });
  const counted: number | undefined = headcount.data?.count;

  const live = await createClient<paths>({ baseUrl }).GET('/health/live');
  return { price, firstName, owed, counted, live: live.response.status };
}
