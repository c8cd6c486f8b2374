import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Outcome } from './outcome.entity.js';
import { OutcomesController } from './outcomes.controller.js';
import { OutcomesService } from './outcomes.service.js';

/** Outcomes of participants: Arts Award and progression. */
@Module({
  imports: [TypeOrmModule.forFeature([Outcome])],
  controllers: [OutcomesController],
  providers: [OutcomesService],
})
export class OutcomesModule {}
