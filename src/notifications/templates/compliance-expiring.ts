import { longDate, type Template } from './template.js';

export interface ComplianceExpiringData {
  recipientName?: string;
  documentKind: string;
  subjectType: 'organisation' | 'user' | 'programme';
  subjectName?: string | null;
  expiresOn: string;
  daysBefore: number;
}

/** "public_liability_insurance" → "Public liability insurance"; "dbs_check" → "DBS check". */
export function documentLabel(kind: string): string {
  const words = kind.split('_').map((w) => (['dbs', 'cqc'].includes(w) ? w.toUpperCase() : w === 'ofsted' ? 'Ofsted' : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const lowerFirst = (text: string) => (/^([A-Z]{2}|Ofsted)/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1));

const whose = (d: ComplianceExpiringData, provider: string) =>
  d.subjectType === 'organisation' ? provider : d.subjectType === 'user' ? (d.subjectName ?? 'a member of staff') : `the programme ${d.subjectName ?? ''}`.trim();

/** A compliance document (insurance, policy, DBS check, risk assessment…) expires soon, or today. */
export const complianceExpiring: Template<ComplianceExpiringData> = {
  subject: (d, provider) =>
    `${documentLabel(d.documentKind)} for ${whose(d, provider.name)} ${Number(d.daysBefore) === 0 ? 'expires today' : `expires in ${d.daysBefore} days`}`,
  greet: (d) => d.recipientName,
  paragraphs: (d, provider) => [
    `The ${lowerFirst(documentLabel(d.documentKind))} held for ${whose(d, provider.name)} expires on ${longDate(d.expiresOn)}.`,
    `Please record the renewed document in the compliance register (POST /compliance-documents) so that sessions stay ready.`,
  ],
};
