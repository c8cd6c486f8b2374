import { formatPounds, formatSterling, percentageOfPence } from './money.js';

describe('money in integer pence', () => {
  it('formats pounds with two decimals, negative included, without floating point', () => {
    expect(formatPounds(0)).toBe('0.00');
    expect(formatPounds(5)).toBe('0.05');
    expect(formatPounds(45000)).toBe('450.00');
    expect(formatPounds(-123456)).toBe('-1234.56');
    expect(formatPounds(9_007_199_254_740_991)).toBe('90071992547409.91');
    expect(() => formatPounds(1.5)).toThrow(RangeError);
  });

  it('formats sterling for people', () => {
    expect(formatSterling(123456789)).toBe('£1,234,567.89');
    expect(formatSterling(-4500)).toBe('-£45.00');
  });

  it('rounds a percentage half up to whole pence', () => {
    expect(percentageOfPence(45000, 2000)).toBe(9000);
    expect(percentageOfPence(45001, 2000)).toBe(9000); // 9000.2
    expect(percentageOfPence(45003, 2000)).toBe(9001); // 9000.6
    expect(percentageOfPence(12345, 500)).toBe(617); // 617.25
    expect(percentageOfPence(125, 1000)).toBe(13); // 12.5 → 13
    expect(percentageOfPence(1, 5000)).toBe(1); // 0.5 → 1
    expect(percentageOfPence(45000, 0)).toBe(0);
  });
});
