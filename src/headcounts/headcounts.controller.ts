import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { HeadcountResponse, UptakeResponse } from './dto/headcount.dto.js';
import { HeadcountsService } from './headcounts.service.js';
import { EXAMPLES } from '../common/api-examples.js';

@ApiTags('headcounts')
@Roles('coordinator', 'finance')
@Controller('programmes/:programmeId/terms/:termId')
export class HeadcountsController {
  constructor(private readonly headcounts: HeadcountsService) {}

  @Get('headcount')
  @ApiOperation({ summary: "Census headcount of a programme's term, by commissioner" })
  @ApiOkResponse({ type: HeadcountResponse, example: EXAMPLES.headcount })
  headcount(@Param('programmeId', ParseIdPipe) programmeId: string, @Param('termId', ParseIdPipe) termId: string): Promise<HeadcountResponse> {
    return this.headcounts.headcount(programmeId, termId);
  }

  @Get('uptake')
  @ApiOperation({ summary: "Uptake of a programme's term: places, registrations, waitlist, income" })
  @ApiOkResponse({ type: UptakeResponse, example: EXAMPLES.uptake })
  uptake(@Param('programmeId', ParseIdPipe) programmeId: string, @Param('termId', ParseIdPipe) termId: string): Promise<UptakeResponse> {
    return this.headcounts.uptake(programmeId, termId);
  }
}
