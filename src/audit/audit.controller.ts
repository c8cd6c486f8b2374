import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { AuditService } from './audit.service.js';
import { AuditEventPage, AuditEventQuery } from './dto/audit-event.dto.js';

@ApiTags('case notes and data protection')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('safeguarding_lead')
  @ApiOperation({
    summary: 'Who read or changed what, when',
    description:
      'The append-only audit trail, oldest first: reads (by id, in lists, versions), creations and amendments of case notes; ' +
      'reads of medical notes and changes to them (subjectType participant, detail medical-notes); exports and erasures.',
  })
  @ApiOkResponse({ type: AuditEventPage })
  list(@Query() query: AuditEventQuery) {
    return this.audit.list(query);
  }
}
