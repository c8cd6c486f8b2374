import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConsentEntity } from './consent.entity.js';
import { ConsentRepository } from './consent.repository.js';
import { ConsentsController } from './consents.controller.js';
import { ConsentsService } from './consents.service.js';

/** Consents by purpose; the repository answers current consents to the roster and readiness. */
@Module({
  imports: [TypeOrmModule.forFeature([ConsentEntity])],
  controllers: [ConsentsController],
  providers: [ConsentsService, ConsentRepository],
  exports: [ConsentRepository],
})
export class ConsentsModule {}
