import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { DATA_PROTECTION_QUEUE } from './data-protection.queue.js';
import { DataProtectionModule } from './data-protection.module.js';
import { DataProtectionProcessor } from './data-protection.processor.js';

/** Loaded by the worker role only: idempotency-key pruning and the retention job. */
@Module({
  imports: [DataProtectionModule, BullModule.registerQueue({ name: DATA_PROTECTION_QUEUE })],
  providers: [DataProtectionProcessor],
})
export class DataProtectionWorkerModule {}
