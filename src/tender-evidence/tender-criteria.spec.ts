import type { ComplianceKind } from '../compliance/compliance-rules.js';
import { criterionStanding, type HeldDocument, TENDER_CRITERIA, yearsBefore } from './tender-criteria.js';

const TODAY = '2026-12-02';
const criterion = (key: string) => TENDER_CRITERIA.find((c) => c.key === key)!;
const held = (...docs: Array<Partial<HeldDocument> & { kind: ComplianceKind }>) =>
  new Map(docs.map((d, i): [ComplianceKind, HeldDocument] => [d.kind, { id: `doc-${i}`, reference: null, issuedOn: '2026-01-01', expiresOn: null, ...d }]));

describe('tender criteria', () => {
  it('lists the essentials first, then the weighted criteria, whose weights are the seed’s', () => {
    expect(TENDER_CRITERIA.map((c) => c.key)).toEqual([
      'insurances', 'health_and_safety', 'registration', 'child_protection', 'equality', 'quality_assurance', 'similar_contracts', 'social_value',
    ]);
    expect(TENDER_CRITERIA.filter((c) => c.essential).map((c) => c.key)).toEqual(['insurances', 'health_and_safety', 'registration']);
    expect(TENDER_CRITERIA.filter((c) => !c.essential).map((c) => c.weightPercent)).toEqual([50, 15, 5, 10, 15]);
  });

  it('needs all three insurances: one absent is missing, one past its expiry is expired, the earliest expiry is shown', () => {
    const all = held(
      { kind: 'employers_liability_insurance', expiresOn: '2027-06-30' },
      { kind: 'public_liability_insurance', expiresOn: '2027-03-31' },
      { kind: 'professional_indemnity_insurance' },
    );
    expect(criterionStanding(criterion('insurances'), all, TODAY)).toMatchObject({ status: 'held', missing: false, expired: false, expiresOn: '2027-03-31' });
    all.delete('professional_indemnity_insurance');
    expect(criterionStanding(criterion('insurances'), all, TODAY)).toMatchObject({ status: 'missing', missing: true, expired: false });
    const lapsed = held(
      { kind: 'employers_liability_insurance', expiresOn: '2026-12-01' },
      { kind: 'public_liability_insurance', expiresOn: '2027-12-31' },
      { kind: 'professional_indemnity_insurance', expiresOn: '2027-01-15' },
    );
    expect(criterionStanding(criterion('insurances'), lapsed, TODAY)).toMatchObject({ status: 'expired', missing: false, expired: true, expiresOn: '2026-12-01' });
  });

  it('takes either registration, the better one answering; expiring within 60 days shows as expiring', () => {
    const r = criterion('registration');
    expect(criterionStanding(r, held(), TODAY)).toMatchObject({ missing: true, expired: false, expiresOn: null });
    expect(criterionStanding(r, held({ kind: 'cqc_registration', expiresOn: '2027-01-10' }), TODAY)).toMatchObject({ status: 'expiring', missing: false, expiresOn: '2027-01-10' });
    const both = held({ kind: 'ofsted_registration', expiresOn: '2026-11-30' }, { kind: 'cqc_registration' });
    expect(criterionStanding(r, both, TODAY)).toMatchObject({ status: 'held', missing: false, expired: false, expiresOn: null });
    expect(criterionStanding(r, held({ kind: 'ofsted_registration', expiresOn: '2026-11-30' }), TODAY)).toMatchObject({ status: 'expired', expired: true });
    expect(criterionStanding(r, both, TODAY).documents.map((d) => [d.kind, d.status])).toEqual([['ofsted_registration', 'expired'], ['cqc_registration', 'valid']]);
  });

  it('similar contracts and social value rest on the service’s own evidence; the environmental policy supports social value', () => {
    expect(criterionStanding(criterion('similar_contracts'), held(), TODAY, false)).toMatchObject({ missing: true, documents: [] });
    expect(criterionStanding(criterion('similar_contracts'), held(), TODAY, true)).toMatchObject({ missing: false, status: 'held' });
    const social = criterion('social_value');
    expect(criterionStanding(social, held(), TODAY, false)).toMatchObject({ missing: true });
    expect(criterionStanding(social, held(), TODAY, true)).toMatchObject({ missing: false, expired: false, status: 'held' });
    expect(criterionStanding(social, held({ kind: 'environmental_policy' }), TODAY, false)).toMatchObject({ missing: false, status: 'held' });
    expect(criterionStanding(social, held({ kind: 'environmental_policy', expiresOn: '2026-01-31' }), TODAY, true)).toMatchObject({ missing: false, expired: true });
  });

  it('counts three years back on the calendar', () => {
    expect(yearsBefore('2026-12-02', 3)).toBe('2023-12-02');
    expect(yearsBefore('2028-02-29', 3)).toBe('2025-02-28');
    expect(yearsBefore('2027-02-28', 3)).toBe('2024-02-28');
  });
});
