import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { todayInLondon } from '../common/london-calendar.js';
import { notFound } from '../common/problem.js';
import { AttendanceEvidenceRepository, type HeldSessionRow } from './attendance-evidence.repository.js';
import { attendanceCounts, attendanceSummary } from './attendance-summary.js';
import type { AttendanceSummaryResponse, EvidenceChild, InvoiceEvidenceResponse, ParticipantAttendanceSummary } from './dto/attendance-evidence.dto.js';

const groupBy = <T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> => {
  const groups = new Map<K, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
};

/**
 * Attendance evidence (API.md v1.1): a programme-term's attendance summary, and what backs each line
 * of an invoice. The definitions (held, rate, streak) are in attendance-summary.ts. Neither carries
 * attendance notes, medical notes or case-note text: finance reads the evidence.
 */
@Injectable()
export class AttendanceEvidenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly evidence: AttendanceEvidenceRepository,
  ) {}

  async summary(programmeId: string, termId: string, today = todayInLondon()): Promise<AttendanceSummaryResponse> {
    // One snapshot: the places, their sessions and the counts agree with each other.
    return this.dataSource.transaction('REPEATABLE READ', async (sql) => {
      const exists = await this.evidence.programmeAndTermExist(sql, programmeId, termId);
      if (!exists.programme) throw notFound('programme', programmeId);
      if (!exists.term) throw notFound('term', termId);
      const counts = await this.evidence.sessionCounts(sql, programmeId, termId, today);
      const places = await this.evidence.places(sql, programmeId, termId);
      const sessionsOf = groupBy(await this.evidence.heldSessions(sql, programmeId, termId, today), (s) => s.registrationId);

      const participants: ParticipantAttendanceSummary[] = [...groupBy(places, (p) => p.participantId).values()].map((own) => {
        // A child withdrawn and registered again has two places: their sessions are counted once each.
        const held = new Map<string, HeldSessionRow>();
        for (const place of own) for (const s of sessionsOf.get(place.registrationId) ?? []) held.set(s.sessionId, s);
        return {
          participantId: own[0].participantId,
          firstName: own[0].firstName,
          lastName: own[0].lastName,
          registrationIds: own.map((p) => p.registrationId),
          registrationStatus: own.some((p) => p.registrationStatus === 'registered') ? 'registered' : 'withdrawn',
          ...attendanceSummary([...held.values()]),
        };
      });
      return {
        programmeId,
        termId,
        asOf: today,
        sessionsHeld: counts.held,
        sessionsScheduled: counts.scheduled,
        sessionsCancelled: counts.cancelled,
        flaggedCount: participants.filter((p) => p.flagged).length,
        participants,
      };
    });
  }

  async invoiceEvidence(documentId: string, today = todayInLondon()): Promise<InvoiceEvidenceResponse> {
    return this.dataSource.transaction('REPEATABLE READ', async (sql) => {
      const document = await this.evidence.document(sql, documentId);
      if (!document) throw notFound('invoice', documentId);
      const lines = await this.evidence.lines(sql, documentId);
      const entriesOf = groupBy(await this.evidence.entries(sql, documentId), (e) => e.line);
      const sessionsOf = groupBy(await this.evidence.periodSessions(sql, documentId, today), (s) => `${s.line}:${s.registrationId}`);
      const countsOf = new Map((await this.evidence.periodSessionCounts(sql, documentId, today)).map((c) => [c.line, c]));

      return {
        documentId: document.id,
        number: document.number,
        kind: document.kind,
        commissionerId: document.commissionerId,
        issueDate: document.issueDate,
        asOf: today,
        lines: lines.map((line) => {
          const children: EvidenceChild[] = [...groupBy(entriesOf.get(line.line) ?? [], (e) => e.registrationId).values()].map((entries) => {
            const first = entries[0];
            const sessions = sessionsOf.get(`${line.line}:${first.registrationId}`) ?? [];
            return {
              participantId: first.participantId,
              firstName: first.firstName,
              lastName: first.lastName,
              registrationId: first.registrationId,
              registeredOn: first.registeredOn,
              withdrawalEffectiveOn: first.withdrawalEffectiveOn,
              budgetReference: first.budgetReference,
              councilId: first.councilId,
              amountPence: entries.reduce((sum, e) => sum + e.change * e.amountPence, 0),
              sessionsBilled: entries.flatMap((e) => (e.sessionDate ? [e.sessionDate] : [])),
              attendance: {
                ...attendanceCounts(sessions),
                sessions: sessions.map((s) => ({ sessionId: s.sessionId, date: s.date, status: s.status })),
              },
            };
          });
          return {
            line: line.line,
            description: line.description,
            kind: line.kind,
            programmeId: line.programmeId,
            programmeName: line.programmeName,
            periodStart: line.periodStart,
            periodEnd: line.periodEnd,
            quantity: line.quantity,
            amountPence: line.amountPence,
            census: { termId: line.termId, termName: line.termName, censusDate: line.censusDate, headcount: children.length },
            sessionsHeld: countsOf.get(line.line)?.held ?? 0,
            sessionsCancelled: countsOf.get(line.line)?.cancelled ?? 0,
            children,
          };
        }),
      };
    });
  }
}
