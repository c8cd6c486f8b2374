import { longDate, type Template } from './template.js';

export interface WaitlistPromotedData {
  guardianName?: string;
  participantFirstName: string;
  programmeName: string;
  termName: string;
  termStartsOn?: string;
}

/** A place came free and went to the child on the waitlist. */
export const waitlistPromoted: Template<WaitlistPromotedData> = {
  subject: (d) => `A place for ${d.participantFirstName} on ${d.programmeName} (${d.termName})`,
  greet: (d) => d.guardianName,
  paragraphs: (d, provider) => [
    `Good news: a place has come free on ${d.programmeName} for ${d.termName}, and ${d.participantFirstName} has been given it from the waiting list.`,
    d.termStartsOn ? `The term starts on ${longDate(d.termStartsOn)}.` : '',
    `If ${d.participantFirstName} can no longer take the place, please let us know as soon as you can so that it can go to another family${provider.phone ? ` (telephone ${provider.phone})` : ''}.`,
  ].filter((p) => p.length > 0),
};
