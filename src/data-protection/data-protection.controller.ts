import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../audit/actor.js';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { DataProtectionService } from './data-protection.service.js';
import { EraseParticipantDto, ErasureResponse, ParticipantExport } from './dto/data-protection.dto.js';

@ApiTags('case notes and data protection')
@Controller('participants/:id')
export class DataProtectionController {
  constructor(private readonly dataProtection: DataProtectionService) {}

  @Get('export')
  @Roles('safeguarding_lead')
  @ApiOperation({
    summary: 'Subject access export: everything held about the child',
    description:
      'The participant (with medical notes), budgets, registrations, attendance, every case note with every version, safeguarding ' +
      'alerts, and the audit events about the child. Recorded in the audit trail (action export).',
  })
  @ApiOkResponse({ type: ParticipantExport })
  export(@Param('id', ParseIdPipe) id: string, @CurrentActor() actor: Actor): Promise<ParticipantExport> {
    return this.dataProtection.export(id, actor);
  }

  @Post('erase')
  @HttpCode(200)
  @Roles()
  @ApiOperation({
    summary: "Erase a child's personal data (admin)",
    description:
      'Anonymises names (and keeps only the year of birth), guardians, emergency contacts, needs, medical notes, photo consent, ' +
      'direct-payment holder names and emails, every case note body, amendment reason and reported author name, attendance ' +
      'notes and withdrawal reasons; withdraws waitlisted registrations (never promoted afterwards); sets erasedAt. Registered ' +
      'places, amounts, budget references and money documents are kept (six years). Recorded in the audit trail (action erase, ' +
      'with the reason: do not put personal data in it, the audit trail is never changed). Erasing again changes nothing and ' +
      'answers alreadyErased: true.',
  })
  @ApiOkResponse({ type: ErasureResponse })
  erase(@Param('id', ParseIdPipe) id: string, @Body() dto: EraseParticipantDto, @CurrentActor() actor: Actor): Promise<ErasureResponse> {
    return this.dataProtection.erase(id, dto, actor);
  }
}
