/** How money reached the provider. `prepaid_card`: a council's pre-paid card for direct payments. */
export const PAYMENT_METHODS = ['bacs', 'card', 'prepaid_card', 'standing_order', 'cheque', 'cash'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A payment's method when none is given. */
export const DEFAULT_PAYMENT_METHOD: PaymentMethod = 'bacs';

/** The words a receipt or statement prints for a method. */
export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  bacs: 'BACS transfer',
  card: 'Card',
  prepaid_card: 'Pre-paid card',
  standing_order: 'Standing order',
  cheque: 'Cheque',
  cash: 'Cash',
};
