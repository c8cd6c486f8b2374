import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { Participant } from './participant.entity.js';
import { ParticipantCouncilId } from './participant-council-id.entity.js';
import { ParticipantsController } from './participants.controller.js';
import { ParticipantsService } from './participants.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Participant, ParticipantCouncilId]), AuditModule, ConsentsModule],
  controllers: [ParticipantsController],
  providers: [ParticipantsService],
  exports: [ParticipantsService],
})
export class ParticipantsModule {}
