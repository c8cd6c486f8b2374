import { Module } from '@nestjs/common';
import { FinanceExportsController } from './finance-exports.controller.js';
import { FinanceExportsService } from './finance-exports.service.js';

@Module({
  controllers: [FinanceExportsController],
  providers: [FinanceExportsService],
})
export class FinanceExportsModule {}
