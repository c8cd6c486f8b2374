import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ParseIdPipe } from '../common/validation.js';
import { AttendanceEvidenceService } from './attendance-evidence.service.js';
import { AttendanceSummaryResponse, InvoiceEvidenceResponse } from './dto/attendance-evidence.dto.js';

@ApiTags('attendance evidence')
@Controller()
export class AttendanceEvidenceController {
  constructor(private readonly evidence: AttendanceEvidenceService) {}

  @Get('programmes/:id/terms/:termId/attendance-summary')
  @Roles('coordinator')
  @ApiOperation({
    summary: "Attendance summary of a programme's term, with unexplained-absence streaks",
    description:
      'Per participant who held a place: sessions held (scheduled, dated up to today, covered by their place: registered on or before the date and not ' +
      'withdrawn effective on or before it), present, late, absent, excused, unrecorded, attendanceRate = (present + late) ÷ held as a whole percentage, and ' +
      'unexplainedAbsenceStreak — the current run of held sessions, latest first, absent or unrecorded; flagged at 2 or more. No notes.',
  })
  @ApiProblems(ProblemCode.NotFound)
  @ApiOkResponse({ type: AttendanceSummaryResponse })
  summary(@Param('id', ParseIdPipe) id: string, @Param('termId', ParseIdPipe) termId: string): Promise<AttendanceSummaryResponse> {
    return this.evidence.summary(id, termId);
  }

  @Get('invoices/:id/evidence')
  @Roles('coordinator', 'finance')
  @ApiOperation({
    summary: 'What backs each line of an invoice: census, children, council ids, attendance',
    description:
      'For each line: the census it was billed from (term, census date, headcount), each child it billed with the budget reference and council id ' +
      "as on the document, and the child's attendance in the line's period (held sessions their place covered, up to today). A credit note answers " +
      'the same way with negative amounts. No medical notes, no case-note or attendance-note text.',
  })
  @ApiProblems(ProblemCode.NotFound)
  @ApiOkResponse({ type: InvoiceEvidenceResponse })
  invoiceEvidence(@Param('id', ParseIdPipe) id: string): Promise<InvoiceEvidenceResponse> {
    return this.evidence.invoiceEvidence(id);
  }
}
