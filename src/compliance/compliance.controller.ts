import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ParseIdPipe } from '../common/validation.js';
import { ComplianceService } from './compliance.service.js';
import {
  ComplianceDocumentPage,
  ComplianceDocumentQuery,
  ComplianceDocumentResponse,
  ComplianceReminderPage,
  ComplianceReminderQuery,
  ComplianceStatusResponse,
  CreateComplianceDocumentDto,
  UpdateComplianceDocumentDto,
} from './dto/compliance.dto.js';

@ApiTags('compliance')
@Roles('coordinator')
@Controller()
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Post('compliance-documents')
  @ApiOperation({
    summary: 'Record a compliance document',
    description:
      'A document issued on or after the current one of the same kind and subject supersedes it (history is kept); one issued earlier is kept as history. ' +
      '422: unknown-subject, expiry-before-issue, dbs-needed-by-roster (a DBS check that would not cover a session its holder is rostered on).',
  })
  @ApiProblems(ProblemCode.ExpiryBeforeIssue, ProblemCode.UnknownSubject, ProblemCode.DbsNeededByRoster)
  @ApiCreatedResponse({ type: ComplianceDocumentResponse })
  create(@Body() dto: CreateComplianceDocumentDto, @CurrentPrincipal() principal: Principal): Promise<ComplianceDocumentResponse> {
    return this.compliance.create(dto, principal);
  }

  @Get('compliance-documents')
  @ApiOperation({ summary: 'Compliance documents, history included', description: 'In the order recorded; ?expiringWithinDays= lists current documents only' })
  @ApiOkResponse({ type: ComplianceDocumentPage })
  list(@Query() query: ComplianceDocumentQuery): Promise<ComplianceDocumentPage> {
    return this.compliance.list(query);
  }

  @Get('compliance-documents/:id')
  @ApiOperation({ summary: 'A compliance document' })
  @ApiOkResponse({ type: ComplianceDocumentResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<ComplianceDocumentResponse> {
    return this.compliance.get(id);
  }

  @Patch('compliance-documents/:id')
  @ApiOperation({
    summary: 'Correct a compliance document',
    description:
      'Its dates, reference or notes. A DBS check is changed under the same lock as rostering its holder: a change that would leave a session they are ' +
      'rostered on uncovered is refused (422 dbs-needed-by-roster).',
  })
  @ApiProblems(ProblemCode.ExpiryBeforeIssue, ProblemCode.DbsNeededByRoster)
  @ApiOkResponse({ type: ComplianceDocumentResponse })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateComplianceDocumentDto): Promise<ComplianceDocumentResponse> {
    return this.compliance.update(id, dto);
  }

  @Get('compliance/status')
  @ApiOperation({
    summary: 'Every required compliance item and its status',
    description:
      'valid | expiring (within 60 days) | expired | missing, on today’s London date. Required: the organisation’s three insurances and its safeguarding, ' +
      'health and safety and equality policies; a dbs_check for each support worker rostered on a session dated today or later; a risk_assessment for each ' +
      'programme with a session dated today or later.',
  })
  @ApiOkResponse({ type: ComplianceStatusResponse })
  status(): Promise<ComplianceStatusResponse> {
    return this.compliance.status();
  }

  @Get('compliance/reminders')
  @ApiOperation({
    summary: 'Expiry reminders raised',
    description: 'Raised by the daily job (06:00 Europe/London) 60, 30 and 7 days before an expiry and on the day, each once; in the order raised',
  })
  @ApiOkResponse({ type: ComplianceReminderPage })
  reminders(@Query() query: ComplianceReminderQuery): Promise<ComplianceReminderPage> {
    return this.compliance.reminders(query);
  }
}
