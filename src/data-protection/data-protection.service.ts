import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, SystemActor } from '../audit/actor.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { AuditEventResponse } from '../audit/dto/audit-event.dto.js';
import { BudgetResponse } from '../budgets/dto/budget.dto.js';
import { PersonalBudget } from '../budgets/personal-budget.entity.js';
import { CaseNote } from '../case-notes/case-note.entity.js';
import { CaseNoteVersion } from '../case-notes/case-note-version.entity.js';
import { CaseNoteResponse, CaseNoteVersionResponse } from '../case-notes/dto/case-note.dto.js';
import { pruneIdempotencyKeys } from '../case-notes/idempotency.js';
import { todayInLondon } from '../common/london-calendar.js';
import { notFound } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { ConsentRepository } from '../consents/consent.repository.js';
import { toConsentResponse } from '../consents/dto/consent.dto.js';
import { ParticipantResponse } from '../participants/dto/participant.dto.js';
import { Participant } from '../participants/participant.entity.js';
import { NotificationResponse } from '../notifications/dto/notification.dto.js';
import { eraseNotificationsOf, notificationsAbout } from '../notifications/notification.repository.js';
import { subjectOf } from '../notifications/templates/index.js';
import { eraseRegistrationsOf } from '../registrations/registration.repository.js';
import { SafeguardingAlertResponse } from '../safeguarding-alerts/dto/safeguarding-alert.dto.js';
import { SafeguardingAlert } from '../safeguarding-alerts/safeguarding-alert.entity.js';
import { ParticipantCouncilIdsRepository } from '../participants/participant-council-ids.repository.js';
import {
  attendanceForExport,
  eraseAttendanceNotes,
  eraseBudgetHolders,
  eraseCaseNotes,
  eraseConsentGivers,
  eraseOutcomesOf,
  eraseParticipantFields,
  eraseReferralsOf,
  eraseStoredResponses,
  inactiveParticipants,
  lockIfStillInactive,
  lockParticipantForErasure,
  registrationsForExport,
} from './data-protection.repository.js';
import {
  type AnonymisedCounts,
  EraseParticipantDto,
  ErasureResponse,
  ParticipantExport,
} from './dto/data-protection.dto.js';
import { retentionCutoff } from './retention.js';

const RETENTION_ACTOR: SystemActor = { system: 'retention job' };
const NOTHING: AnonymisedCounts = { budgets: 0, caseNotes: 0, caseNoteVersions: 0, attendanceRecords: 0 };

/**
 * Data protection for children's records (UK GDPR, special category data): subject access exports,
 * erasure that keeps the financial records, the retention job, and pruning of idempotency keys.
 */
@Injectable()
export class DataProtectionService {
  private readonly logger = new Logger(DataProtectionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly consents: ConsentRepository,
  ) {}

  /** Everything held about the child, read in one snapshot; the export itself is audited first, so it lists itself. */
  async export(participantId: string, actor: Actor): Promise<ParticipantExport> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const participant = await em.findOneBy(Participant, { id: participantId });
      if (!participant) throw notFound('participant', participantId);
      await this.audit.record(em, actor, [{ action: 'export', subjectType: 'participant', subjectId: participantId, participantId }]);

      const notes = await em.find(CaseNote, { where: { participantId }, order: { id: 'ASC' } });
      const versions = notes.length
        ? await em
            .createQueryBuilder(CaseNoteVersion, 'version')
            .where('version.caseNoteId IN (:...ids)', { ids: notes.map((n) => n.id) })
            .orderBy('version.caseNoteId')
            .addOrderBy('version.version')
            .getMany()
        : [];
      const versionsOf = new Map<string, CaseNoteVersion[]>();
      for (const v of versions) versionsOf.set(v.caseNoteId, [...(versionsOf.get(v.caseNoteId) ?? []), v]);
      const caseNotes = notes.map((note) => {
        const own = versionsOf.get(note.id) ?? [];
        const current = own.find((v) => v.version === note.version)!;
        return { ...CaseNoteResponse.of(note, current), versions: own.map(CaseNoteVersionResponse.of) };
      });

      return {
        exportedAt: new Date().toISOString(),
        participant: ParticipantResponse.of(
          { ...participant, photoConsent: (await this.consents.photoConsents(em, [participantId], todayInLondon())).get(participantId)! },
          true,
          (await ParticipantCouncilIdsRepository.of(em, [participantId])).get(participantId),
        ),
        consents: (await this.consents.allOf(em, participantId)).map(toConsentResponse),
        budgets: (await em.find(PersonalBudget, { where: { participantId }, order: { id: 'ASC' } })).map(BudgetResponse.of),
        registrations: await registrationsForExport(em, participantId),
        attendance: await attendanceForExport(em, participantId),
        caseNotes,
        safeguardingAlerts: (await em.find(SafeguardingAlert, { where: { participantId }, order: { id: 'ASC' } })).map(
          SafeguardingAlertResponse.of,
        ),
        notifications: (await notificationsAbout(em, participantId)).map((n) => NotificationResponse.of(n, subjectOf(n, this.config.provider))),
        auditEvents: (await em.find(AuditEvent, { where: { participantId }, order: { id: 'ASC' } })).map(AuditEventResponse.of),
      };
    });
  }

  /** Anonymises the child's personal data and note bodies, keeping the financial records. Erasing twice changes nothing. */
  async erase(participantId: string, dto: EraseParticipantDto, actor: Actor): Promise<ErasureResponse> {
    return this.dataSource.transaction(async (em) => {
      const participant = await lockParticipantForErasure(em, participantId);
      if (!participant) throw notFound('participant', participantId);
      if (participant.erasedAt) {
        return { participantId, erasedAt: participant.erasedAt.toISOString(), alreadyErased: true, anonymised: NOTHING };
      }
      const { erasedAt, anonymised } = await this.anonymise(em, participantId);
      await this.audit.record(em, actor, [
        { action: 'erase', subjectType: 'participant', subjectId: participantId, participantId, detail: dto.reason },
      ]);
      return { participantId, erasedAt: erasedAt.toISOString(), alreadyErased: false, anonymised };
    });
  }

  /** The daily job: anonymises every participant with no activity for RETENTION_YEARS. Returns their ids. */
  async eraseInactive(today = todayInLondon()): Promise<string[]> {
    const years = this.config.retentionYears;
    const cutoff = retentionCutoff(today, years);
    const candidates = await inactiveParticipants(this.dataSource.manager, cutoff);
    const erased: string[] = [];
    for (const id of candidates) {
      const done = await this.dataSource.transaction(async (em) => {
        // Checked again under the lock: something may have happened since the candidates were listed.
        if (!(await lockIfStillInactive(em, id, cutoff))) return false;
        await this.anonymise(em, id);
        await this.audit.record(em, RETENTION_ACTOR, [
          {
            action: 'erase',
            subjectType: 'participant',
            subjectId: id,
            participantId: id,
            detail: `retention: no activity since before ${cutoff} (RETENTION_YEARS=${years})`,
          },
        ]);
        return true;
      });
      if (done) erased.push(id);
    }
    if (erased.length) this.logger.log({ erased: erased.length, cutoff }, 'Anonymised inactive participants');
    return erased;
  }

  /** Forgets idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS. */
  async pruneIdempotencyKeys(): Promise<number> {
    const pruned = await pruneIdempotencyKeys(this.dataSource.manager, this.config.idempotency.keyTtlHours);
    if (pruned) this.logger.log({ pruned }, 'Pruned expired idempotency keys');
    return pruned;
  }

  /**
   * Touches only: the participant's personal fields, registrations' withdrawal reasons and waitlisted
   * registrations (withdrawn, so never promoted), budget holder name and email, case note bodies, reasons
   * and reported author names (and the stored idempotent responses that repeat them), attendance
   * notes, and who gave each consent. Registered places, amounts, budget references and money documents stay as they are.
   * Called with the participant row locked FOR UPDATE; the registrations come before the budgets (the
   * lock order of migrations/1764320000000-RegistrationLockOrder.ts).
   */
  private async anonymise(em: EntityManager, participantId: string): Promise<{ erasedAt: Date; anonymised: AnonymisedCounts }> {
    const erasedAt = await eraseParticipantFields(em, participantId);
    await eraseRegistrationsOf(em, participantId, todayInLondon());
    const budgets = await eraseBudgetHolders(em, participantId);
    await ParticipantCouncilIdsRepository.eraseOf(em, participantId);
    await eraseReferralsOf(em, participantId);
    await eraseOutcomesOf(em, participantId);
    await eraseNotificationsOf(em, participantId); // emails about the child: no longer naming the child nor the family
    const { caseNotes, caseNoteVersions } = await eraseCaseNotes(em, participantId);
    const attendanceRecords = await eraseAttendanceNotes(em, participantId);
    // After the participants UPDATE: its photo_consent = false may have recorded a refusal (a trigger).
    await eraseConsentGivers(em, participantId);
    await eraseStoredResponses(em, participantId);
    return { erasedAt, anonymised: { budgets, caseNotes, caseNoteVersions, attendanceRecords } };
  }
}
