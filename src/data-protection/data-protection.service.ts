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
import { ParticipantResponse } from '../participants/dto/participant.dto.js';
import { Participant } from '../participants/participant.entity.js';
import { eraseRegistrationsOf } from '../registrations/registration.repository.js';
import { SafeguardingAlertResponse } from '../safeguarding-alerts/dto/safeguarding-alert.dto.js';
import { SafeguardingAlert } from '../safeguarding-alerts/safeguarding-alert.entity.js';
import { ParticipantCouncilIdsRepository } from '../participants/participant-council-ids.repository.js';
import { ERASED_TEXT, erasureSetClause } from './anonymisation.js';
import {
  type AnonymisedCounts,
  AttendanceExport,
  EraseParticipantDto,
  ErasureResponse,
  ParticipantExport,
  RegistrationExport,
} from './dto/data-protection.dto.js';
import { LAST_ACTIVITY_SQL, retentionCutoff } from './retention.js';

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
        participant: ParticipantResponse.of(participant, true, (await ParticipantCouncilIdsRepository.of(em, [participantId])).get(participantId)),
        budgets: (await em.find(PersonalBudget, { where: { participantId }, order: { id: 'ASC' } })).map(BudgetResponse.of),
        registrations: await this.registrations(em, participantId),
        attendance: await this.attendance(em, participantId),
        caseNotes,
        safeguardingAlerts: (await em.find(SafeguardingAlert, { where: { participantId }, order: { id: 'ASC' } })).map(
          SafeguardingAlertResponse.of,
        ),
        auditEvents: (await em.find(AuditEvent, { where: { participantId }, order: { id: 'ASC' } })).map(AuditEventResponse.of),
      };
    });
  }

  /** Anonymises the child's personal data and note bodies, keeping the financial records. Erasing twice changes nothing. */
  async erase(participantId: string, dto: EraseParticipantDto, actor: Actor): Promise<ErasureResponse> {
    return this.dataSource.transaction(async (em) => {
      const [participant] = await em.query('SELECT erased_at FROM participants WHERE id = $1 FOR UPDATE', [participantId]);
      if (!participant) throw notFound('participant', participantId);
      if (participant.erased_at) {
        return { participantId, erasedAt: participant.erased_at.toISOString(), alreadyErased: true, anonymised: NOTHING };
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
    const candidates: Array<{ id: string }> = await this.dataSource.query(
      `SELECT p.id FROM participants p WHERE p.erased_at IS NULL AND ${LAST_ACTIVITY_SQL} < $1::date ORDER BY p.id`,
      [cutoff],
    );
    const erased: string[] = [];
    for (const { id } of candidates) {
      const done = await this.dataSource.transaction(async (em) => {
        // Checked again under the lock: something may have happened since the candidates were listed.
        const [still] = await em.query(
          `SELECT p.id FROM participants p WHERE p.id = $1 AND p.erased_at IS NULL AND ${LAST_ACTIVITY_SQL} < $2::date FOR UPDATE`,
          [id, cutoff],
        );
        if (!still) return false;
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
   * and reported author names (and the stored idempotent responses that repeat them), and attendance
   * notes. Registered places, amounts, budget references and money documents stay as they are.
   * Called with the participant row locked FOR UPDATE; the registrations come before the budgets (the
   * lock order of migrations/1764320000000-RegistrationLockOrder.ts).
   */
  private async anonymise(em: EntityManager, participantId: string): Promise<{ erasedAt: Date; anonymised: AnonymisedCounts }> {
    const [[{ erased_at: erasedAt }]] = await em.query(
      `UPDATE participants SET ${erasureSetClause('participants')}, erased_at = now(), updated_at = now()
        WHERE id = $1 RETURNING erased_at`,
      [participantId],
    );
    await eraseRegistrationsOf(em, participantId, todayInLondon());
    const [, budgets] = await em.query(
      `UPDATE personal_budgets SET ${erasureSetClause('personal_budgets')}
        WHERE participant_id = $1 AND (holder_name IS NOT NULL OR holder_email IS NOT NULL OR holder_address IS NOT NULL)`,
      [participantId],
    );
    await ParticipantCouncilIdsRepository.eraseOf(em, participantId);
    await em.query(`UPDATE referrals SET ${erasureSetClause('referrals')} WHERE participant_id = $1`, [participantId]);
    await em.query(`UPDATE outcomes SET ${erasureSetClause('outcomes')} WHERE participant_id = $1`, [participantId]);
    const [, caseNotes] = await em.query(
      `UPDATE case_notes SET ${erasureSetClause('case_notes')} WHERE participant_id = $1`,
      [participantId],
    );
    const [, caseNoteVersions] = await em.query(
      `UPDATE case_note_versions SET ${erasureSetClause('case_note_versions')}
        WHERE case_note_id IN (SELECT id FROM case_notes WHERE participant_id = $1)`,
      [participantId],
    );
    const [, attendanceRecords] = await em.query(
      `UPDATE attendance SET ${erasureSetClause('attendance')} WHERE participant_id = $1 AND note IS NOT NULL`,
      [participantId],
    );
    // Stored idempotent responses repeat note bodies: a replay after erasure answers the erased note.
    await em.query(
      `UPDATE idempotency_keys SET response_body = response_body || jsonb_build_object('body', $2::text, 'authorName', NULL)
        WHERE response_body @> jsonb_build_object('participantId', $1::text)`,
      [participantId, ERASED_TEXT],
    );
    return { erasedAt, anonymised: { budgets, caseNotes, caseNoteVersions, attendanceRecords } };
  }

  private async registrations(em: EntityManager, participantId: string): Promise<RegistrationExport[]> {
    const rows = await em.query(
      `SELECT id, programme_id, term_id, budget_id, contract_id, status, price_pence, registered_on, withdrawn_at,
              withdrawal_effective_on, withdrawal_reason, created_at
         FROM registrations WHERE participant_id = $1 ORDER BY created_at, id`,
      [participantId],
    );
    return rows.map((r: Record<string, never>) => ({
      id: r.id,
      programmeId: r.programme_id,
      termId: r.term_id,
      budgetId: r.budget_id,
      contractId: r.contract_id,
      status: r.status,
      pricePence: r.price_pence,
      registeredOn: r.registered_on,
      withdrawnAt: (r.withdrawn_at as Date | null)?.toISOString() ?? null,
      withdrawalEffectiveOn: r.withdrawal_effective_on,
      withdrawalReason: r.withdrawal_reason,
      createdAt: (r.created_at as Date).toISOString(),
    }));
  }

  private async attendance(em: EntityManager, participantId: string): Promise<AttendanceExport[]> {
    const rows = await em.query(
      `SELECT a.session_id, s.programme_id, s.date, a.status, a.note, a.recorded_at, a.recorded_by
         FROM attendance a JOIN sessions s ON s.id = a.session_id
        WHERE a.participant_id = $1 ORDER BY s.date, a.session_id`,
      [participantId],
    );
    return rows.map((r: Record<string, never>) => ({
      sessionId: r.session_id,
      programmeId: r.programme_id,
      date: r.date,
      status: r.status,
      note: r.note,
      recordedAt: (r.recorded_at as Date).toISOString(),
      recordedBy: r.recorded_by,
    }));
  }
}
