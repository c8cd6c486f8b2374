import { Module } from '@nestjs/common';
import { DataProtectionModule } from './data-protection.module.js';
import { DataProtectionProcessor } from './data-protection.processor.js';

/** Loaded by the worker role only: idempotency-key pruning and the retention job. */
@Module({
  imports: [DataProtectionModule],
  providers: [DataProtectionProcessor],
})
export class DataProtectionWorkerModule {}
