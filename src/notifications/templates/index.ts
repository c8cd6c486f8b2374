import type { Notification, NotificationKind } from '../notification.entity.js';
import { complianceExpiring } from './compliance-expiring.js';
import { consentExpiring } from './consent-expiring.js';
import { invoiceIssued } from './invoice-issued.js';
import { sessionCancelled } from './session-cancelled.js';
import { type ProviderContact, render, type RenderedMessage, type Template } from './template.js';
import { waitlistPromoted } from './waitlist-promoted.js';

export type { ProviderContact, RenderedMessage } from './template.js';

/** Each kind's template. */
const TEMPLATES: Partial<Record<NotificationKind, Template<never>>> = {
  invoice_issued: invoiceIssued as Template<never>,
  compliance_expiring: complianceExpiring as Template<never>,
  consent_expiring: consentExpiring as Template<never>,
  session_cancelled: sessionCancelled as Template<never>,
  waitlist_promoted: waitlistPromoted as Template<never>,
};

/** The message of a notification of `kind` with its stored data. */
export function renderNotification(kind: NotificationKind, data: Record<string, unknown>, provider: ProviderContact): RenderedMessage {
  const template = TEMPLATES[kind];
  if (!template) throw new Error(`No template for notifications of kind ${kind}`);
  return render(template, data as never, provider);
}

/**
 * The subject a notification was sent with, or (queued, failed) is or would have been sent with; null
 * when its stored data no longer renders (an erased notification keeps only the participant's id).
 */
export function subjectOf(n: Pick<Notification, 'kind' | 'data' | 'subject'>, provider: ProviderContact): string | null {
  if (n.subject !== null) return n.subject;
  try {
    return renderNotification(n.kind, n.data, provider).subject;
  } catch {
    return null;
  }
}
