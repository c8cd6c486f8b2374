import { Module } from '@nestjs/common';
import { RemittancesController } from './remittances.controller.js';
import { RemittancesService } from './remittances.service.js';

/** Remittances from councils, allocated to their invoices as payments; the rest on account. */
@Module({
  controllers: [RemittancesController],
  providers: [RemittancesService],
})
export class RemittancesModule {}
