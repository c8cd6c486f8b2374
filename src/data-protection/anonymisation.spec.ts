import { ERASED_TEXT, ERASURE_PLAN, eraseRow, erasureSetClause } from './anonymisation.js';

describe('anonymisation', () => {
  it('keeps only the year of birth of a participant and drops everything that names or describes them', () => {
    const child = {
      id: 'p1',
      first_name: 'Jamie',
      last_name: 'Smith',
      date_of_birth: '2013-05-14',
      guardians: [{ name: 'Alex Smith', relationship: 'mother' }],
      emergency_contacts: [{ name: 'Sam Smith' }],
      needs: 'Ear defenders in loud rooms',
      medical_notes: 'Epilepsy: rescue medication in the blue bag',
      photo_consent: true,
      created_at: '2026-09-01T10:00:00Z',
    };
    expect(eraseRow('participants', child)).toEqual({
      id: 'p1',
      first_name: ERASED_TEXT,
      last_name: ERASED_TEXT,
      date_of_birth: '2013-01-01',
      guardians: [],
      emergency_contacts: [],
      needs: null,
      medical_notes: null,
      photo_consent: false,
      created_at: '2026-09-01T10:00:00Z',
    });
  });

  it('replaces a budget holder name and email but keeps the money and the references', () => {
    const budget = {
      id: 'b1',
      type: 'direct_payment',
      reference: 'PB-2026-00417',
      amount_pence: 180000,
      committed_pence: 45000,
      holder_name: 'Alex Smith',
      holder_email: 'alex@example.org',
    };
    expect(eraseRow('personal_budgets', budget)).toEqual({ ...budget, holder_name: ERASED_TEXT, holder_email: ERASED_TEXT });
    const managed = { ...budget, type: 'managed', holder_name: null, holder_email: null };
    expect(eraseRow('personal_budgets', managed)).toEqual(managed);
  });

  it('erases every version body and reason but keeps version numbers, authors and times', () => {
    const first = { version: 1, body: 'Jamie told me about home', reason: null, reported_author_name: 'Priya', author_name: 'Form tool' };
    const second = { ...first, version: 2, reason: 'Added what her brother said' };
    expect(eraseRow('case_note_versions', first)).toEqual({ ...first, body: ERASED_TEXT, reported_author_name: null });
    expect(eraseRow('case_note_versions', second)).toEqual({ ...second, body: ERASED_TEXT, reason: ERASED_TEXT, reported_author_name: null });
  });

  it('never names a financial column', () => {
    const touched = Object.values(ERASURE_PLAN).flatMap((columns) => Object.keys(columns));
    for (const financial of ['amount_pence', 'committed_pence', 'price_pence', 'reference', 'commissioner_id', 'budget_id', 'status', 'valid_from', 'valid_to']) {
      expect(touched).not.toContain(financial);
    }
    expect(Object.keys(ERASURE_PLAN).sort()).toEqual(['attendance', 'case_note_versions', 'case_notes', 'consents', 'outcomes', 'participants', 'personal_budgets', 'referrals', 'registrations']);
    expect(ERASURE_PLAN.registrations).toEqual({ withdrawal_reason: 'placeholder-if-present' });
  });

  it("replaces a registration's withdrawal reason, keeping its status, dates and money", () => {
    const withdrawn = { status: 'withdrawn', withdrawal_effective_on: '2026-10-02', committed_pence: 45000, withdrawal_reason: 'hospital admission' };
    expect(eraseRow('registrations', withdrawn)).toEqual({ ...withdrawn, withdrawal_reason: ERASED_TEXT });
    const registered = { status: 'registered', withdrawal_effective_on: null, committed_pence: 45000, withdrawal_reason: null };
    expect(eraseRow('registrations', registered)).toEqual(registered);
  });

  it("erases who gave a consent, keeping its purpose, answer and dates", () => {
    const consent = { purpose: 'off_site_trips', given: true, given_by: 'Sam Smith (father)', recorded_on: '2026-09-01', expires_on: null, recorded_by: 'user:x' };
    expect(eraseRow('consents', consent)).toEqual({ ...consent, given_by: ERASED_TEXT });
    expect(erasureSetClause('consents')).toBe("given_by = '[erased]'");
  });

  it('writes the plan as SQL', () => {
    expect(erasureSetClause('personal_budgets')).toBe(
      "holder_name = CASE WHEN holder_name IS NULL THEN NULL ELSE '[erased]' END, " +
        "holder_email = CASE WHEN holder_email IS NULL THEN NULL ELSE '[erased]' END, " +
        'holder_address = NULL',
    );
    expect(erasureSetClause('participants')).toContain("date_of_birth = date_trunc('year', date_of_birth)::date");
    expect(erasureSetClause('attendance')).toBe('note = NULL');
  });
});
