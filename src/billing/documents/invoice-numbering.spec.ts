import { firstGap, formatDocumentNumber, numberBlock, parseDocumentNumber } from './invoice-numbering.js';

describe('document numbering (rule 6)', () => {
  it('writes numbers as INV-000001 and CN-000001', () => {
    expect(formatDocumentNumber('INV', 1)).toBe('INV-000001');
    expect(formatDocumentNumber('CN', 42)).toBe('CN-000042');
    expect(formatDocumentNumber('INV', 999999)).toBe('INV-999999');
  });

  it('has no number 0, no fractions and no seventh digit', () => {
    expect(() => formatDocumentNumber('INV', 0)).toThrow(RangeError);
    expect(() => formatDocumentNumber('INV', 1.5)).toThrow(RangeError);
    expect(() => formatDocumentNumber('INV', 1_000_000)).toThrow(RangeError);
  });

  it('reads numbers back', () => {
    expect(parseDocumentNumber('CN-000042')).toEqual({ series: 'CN', seq: 42 });
    expect(() => parseDocumentNumber('INV-42')).toThrow(RangeError);
  });

  it('numbers a block ending where the counter now stands, in order, without gaps', () => {
    expect(numberBlock('INV', 7, 3)).toEqual(['INV-000005', 'INV-000006', 'INV-000007']);
    expect(numberBlock('CN', 1, 1)).toEqual(['CN-000001']);
    expect(numberBlock('INV', 7, 0)).toEqual([]);
    expect(() => numberBlock('INV', 2, 3)).toThrow(RangeError);
  });

  it('finds the first gap of each series', () => {
    expect(firstGap(['INV-000002', 'INV-000001', 'CN-000001'])).toBeNull();
    expect(firstGap(['INV-000001', 'INV-000003'])).toBe('INV-000002');
    expect(firstGap(['CN-000002'])).toBe('CN-000001');
  });
});
