import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { BillingDocument } from './documents/billing-document.entity.js';
import { BillingLedgerEntry } from './documents/billing-ledger-entry.entity.js';
import { BILLING_QUEUE, BillingQueue } from './runs/billing-queue.js';
import { BillingRun } from './runs/billing-run.entity.js';
import { BillingRunRepository } from './runs/billing-run.repository.js';
import { BillingRunsOutbox } from './runs/billing-runs.outbox.js';
import { BillingRunsController } from './runs/billing-runs.controller.js';
import { BillingRunsService } from './runs/billing-runs.service.js';
import { CommitmentSettlementService } from './commitments/commitment-settlement.service.js';
import { COMMITMENTS_QUEUE } from './commitments/commitments-queue.js';
import { DocumentCounter } from './documents/document-counter.entity.js';
import { DocumentLine } from './documents/document-line.entity.js';
import { InvoicesController } from './documents/invoices.controller.js';
import { InvoicesService } from './documents/invoices.service.js';
import { Payment } from './payments/payment.entity.js';
import { PaymentsController } from './payments/payments.controller.js';
import { PaymentsService } from './payments/payments.service.js';
import { ReportsController } from './documents/reports.controller.js';

/** Billing runs, invoices, credit notes, payments and their receipts, aged debt; the billing queue's producer and the runs' outbox. */
@Module({
  imports: [
    TypeOrmModule.forFeature([BillingRun, BillingDocument, DocumentLine, DocumentCounter, BillingLedgerEntry, Payment]),
    BullModule.registerQueueAsync({
      name: BILLING_QUEUE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        settings: {
          lockDuration: config.bullLockDurationMs,
          lockRenewTime: Math.floor(config.bullLockDurationMs / 2),
          stalledInterval: config.bullStalledIntervalMs,
          maxStalledCount: 2,
        },
      }),
    }),
    BullModule.registerQueue({ name: COMMITMENTS_QUEUE }),
  ],
  controllers: [BillingRunsController, InvoicesController, PaymentsController, ReportsController],
  providers: [BillingQueue, BillingRunRepository, BillingRunsOutbox, BillingRunsService, InvoicesService, PaymentsService, CommitmentSettlementService],
  exports: [BillingQueue, BillingRunsOutbox, BillingRunsService, CommitmentSettlementService, InvoicesService, BullModule],
})
export class BillingModule {}
