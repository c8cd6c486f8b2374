import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FinanceExportDocument } from './finance-export-document.entity.js';
import { FinanceExport } from './finance-export.entity.js';
import { FinanceExportsController } from './finance-exports.controller.js';
import { FinanceExportsService } from './finance-exports.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([FinanceExport, FinanceExportDocument])],
  controllers: [FinanceExportsController],
  providers: [FinanceExportsService],
})
export class FinanceExportsModule {}
