import { Module } from '@nestjs/common';
import { OutcomesController } from './outcomes.controller.js';
import { OutcomesService } from './outcomes.service.js';

/** Outcomes of participants: Arts Award and progression. */
@Module({
  controllers: [OutcomesController],
  providers: [OutcomesService],
})
export class OutcomesModule {}
