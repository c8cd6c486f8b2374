/** Support levels: how many support workers a participant needs. */
export type SupportLevel = 'group' | 'one_to_one' | 'two_to_one';

/**
 * DOMAIN rule 15, the staffing a session needs: ⌈group participants ÷ groupRatio⌉ + one per one-to-one
 * participant + two per two-to-one participant.
 */
export function staffNeeded(levels: { group: number; one_to_one: number; two_to_one: number }, groupRatio: number): number {
  return Math.ceil(levels.group / groupRatio) + levels.one_to_one + 2 * levels.two_to_one;
}
