import { longDate, type Template } from './template.js';

export interface SessionCancelledData {
  guardianName?: string;
  participantFirstName: string;
  programmeName: string;
  sessionDate: string;
  startTime: string;
  endTime: string;
  venue: string;
  reason?: string | null;
}

/** A session the child is registered for will not take place. */
export const sessionCancelled: Template<SessionCancelledData> = {
  subject: (d) => `Cancelled: ${d.programmeName} on ${longDate(d.sessionDate)}`,
  greet: (d) => d.guardianName,
  paragraphs: (d) => [
    `We are sorry to tell you that the ${d.programmeName} session on ${longDate(d.sessionDate)}, ${d.startTime} to ${d.endTime} at ${d.venue}, ` +
      `which ${d.participantFirstName} is registered for, is cancelled.`,
    d.reason ? `The reason: ${d.reason}` : '',
    `You will not be charged for this session. Other sessions go ahead as planned.`,
  ].filter((p) => p.length > 0),
};
