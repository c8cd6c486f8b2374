import { type DynamicModule, Module } from '@nestjs/common';
import { AttendanceEvidenceModule } from './attendance-evidence/attendance-evidence.module.js';
import { AttendanceModule } from './attendance/attendance.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BillingModule } from './billing/billing.module.js';
import { BillingWorkerModule } from './billing/billing-worker.module.js';
import { BudgetsModule } from './budgets/budgets.module.js';
import { CaseNotesModule } from './case-notes/case-notes.module.js';
import { ComplianceWorkerModule } from './compliance/compliance-worker.module.js';
import { ComplianceModule } from './compliance/compliance.module.js';
import { CommissionersModule } from './commissioners/commissioners.module.js';
import { AppConfig, type ProcessRole } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConsentsModule } from './consents/consents.module.js';
import { ContractsModule } from './contracts/contracts.module.js';
import { DataProtectionWorkerModule } from './data-protection/data-protection-worker.module.js';
import { DataProtectionModule } from './data-protection/data-protection.module.js';
import { DatabaseModule } from './database/database.module.js';
import { FinanceExportsModule } from './finance-exports/finance-exports.module.js';
import { HeadcountsModule } from './headcounts/headcounts.module.js';
import { HealthModule } from './health/health.module.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { MonitoringReturnsModule } from './monitoring-returns/monitoring-returns.module.js';
import { TenderEvidenceModule } from './tender-evidence/tender-evidence.module.js';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OutcomesModule } from './outcomes/outcomes.module.js';
import { ParticipantsModule } from './participants/participants.module.js';
import { ProgrammesModule } from './programmes/programmes.module.js';
import { QueueBoardModule } from './queue-board/queue-board.module.js';
import { QueueModule } from './queue/queue.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { RedisModule } from './redis/redis.module.js';
import { RegistrationsModule } from './registrations/registrations.module.js';
import { RemittancesModule } from './remittances/remittances.module.js';
import { SafeguardingAlertsWorkerModule } from './safeguarding-alerts/safeguarding-alerts-worker.module.js';
import { SafeguardingAlertsModule } from './safeguarding-alerts/safeguarding-alerts.module.js';
import { SessionCancellationModule } from './session-cancellation/session-cancellation.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { StaffingModule } from './staffing/staffing.module.js';
import { StatementsModule } from './statements/statements.module.js';
import { TermsModule } from './terms/terms.module.js';
import { UsersModule } from './users/users.module.js';

/** The domain: services, controllers and queue producers. Loaded by every role. */
const FEATURE_MODULES = [
  UsersModule,
  IntegrationsModule,
  CommissionersModule,
  ContractsModule,
  ProgrammesModule,
  TermsModule,
  SessionsModule,
  ParticipantsModule,
  BudgetsModule,
  RegistrationsModule,
  AttendanceModule,
  HeadcountsModule,
  AuditModule,
  CaseNotesModule,
  SafeguardingAlertsModule,
  DataProtectionModule,
  BillingModule,
  RemittancesModule,
  StatementsModule,
  FinanceExportsModule,
  ComplianceModule,
  SessionCancellationModule,
  ConsentsModule,
  StaffingModule,
  AttendanceEvidenceModule,
  ReferralsModule,
  OutcomesModule,
  MonitoringReturnsModule,
  TenderEvidenceModule,
  NotificationsModule,
];

/** Queue consumers and repeatable jobs: loaded only by the worker role ("all" runs both). */
const WORKER_MODULES: Array<DynamicModule | (new () => unknown)> = [SafeguardingAlertsWorkerModule, DataProtectionWorkerModule, BillingWorkerModule, ComplianceWorkerModule, NotificationsWorkerModule];

/**
 * One codebase, two roles: `api` serves HTTP, `worker` consumes the Bull queues, `all` does both
 * (what `npm start` runs).
 */
@Module({})
export class AppModule {
  static forRole(config: AppConfig, role: ProcessRole): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        QueueModule,
        AuthModule,
        HealthModule,
        ...FEATURE_MODULES,
        ...(role === 'api' ? [] : WORKER_MODULES),
        ...(role === 'worker' ? [] : [QueueBoardModule]),
      ],
    };
  }
}
