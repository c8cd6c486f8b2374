import { isInstant } from './instant.js';

describe('isInstant', () => {
  it.each(['2026-10-10T09:30:00Z', '2026-10-10T09:30Z', '2026-10-10T09:30:00.123Z', '2026-10-10T10:30:00+01:00', '2024-02-29T23:59:59-05:30'])(
    'accepts %s',
    (value) => expect(isInstant(value)).toBe(true),
  );

  it.each([
    '2026-10-10',
    '2026-10-10T09:30:00',
    '2026-02-30T10:00:00Z',
    '2026-10-10T24:00:00Z',
    '2026-10-10 09:30:00Z',
    '10/10/2026 09:30',
    '',
    1760088600000,
    null,
  ])('refuses %j', (value) => expect(isInstant(value)).toBe(false));
});
