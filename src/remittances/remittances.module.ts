import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RemittanceEntity } from './remittance.entity.js';
import { RemittancesController } from './remittances.controller.js';
import { RemittancesService } from './remittances.service.js';

/** Remittances from councils, allocated to their invoices as payments; the rest on account. */
@Module({
  imports: [TypeOrmModule.forFeature([RemittanceEntity])],
  controllers: [RemittancesController],
  providers: [RemittancesService],
})
export class RemittancesModule {}
