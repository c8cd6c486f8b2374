import { Module } from '@nestjs/common';
import { HeadcountsController } from './headcounts.controller.js';
import { HeadcountsService } from './headcounts.service.js';

@Module({
  controllers: [HeadcountsController],
  providers: [HeadcountsService],
  exports: [HeadcountsService],
})
export class HeadcountsModule {}
