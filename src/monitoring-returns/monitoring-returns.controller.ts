import { Controller, Get, Header, Headers, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { negotiateMediaType } from '../common/content-negotiation.js';
import { ParseIdPipe } from '../common/validation.js';
import { MonitoringReturnQuery, MonitoringReturnResponse } from './dto/monitoring-return.dto.js';
import { MonitoringReturnsService } from './monitoring-returns.service.js';

const MEDIA_TYPES = ['application/json', 'text/csv', 'application/pdf'] as const;

@ApiTags('referrals and outcomes')
@ApiExtraModels(MonitoringReturnResponse)
@Controller('commissioners/:id/monitoring-return')
export class MonitoringReturnsController {
  constructor(private readonly returns: MonitoringReturnsService) {}

  @Get()
  @Roles('coordinator', 'finance')
  @Header('Vary', 'Accept')
  @ApiProduces(...MEDIA_TYPES)
  @ApiOperation({
    summary: "A council's termly monitoring return",
    description:
      'Per programme the council contracts, funds or was referred to in the term: referrals received and accepted, census headcount against ' +
      'the minimum, late joiners, sessions planned, held and cancelled, attendance rate, outcomes by kind, level and status, and the equality ' +
      'breakdown of the young people counted. Counts of young people from 1 to 4 are "<5"; where one could be worked out from a total another ' +
      'is withheld ("<5" for a 0, "*" for 5 or more). No names, no notes. JSON by default; `Accept: text/csv` or `application/pdf`; 406 otherwise.',
  })
  @ApiOkResponse({
    description: 'The return',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(MonitoringReturnResponse) } },
      'text/csv': { schema: { type: 'string' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(ProblemCode.NotFound, ProblemCode.NotAcceptable)
  async get(@Param('id', ParseIdPipe) id: string, @Query() query: MonitoringReturnQuery, @Headers('accept') accept?: string) {
    const type = negotiateMediaType(accept, MEDIA_TYPES);
    const built = await this.returns.build(id, query.termId);
    if (type === 'application/json') return built;
    if (type === 'text/csv') {
      const { filename, content } = this.returns.csv(built);
      return new StreamableFile(Buffer.from(content, 'utf8'), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
    }
    const { filename, content } = await this.returns.pdf(built);
    return new StreamableFile(content, { type: 'application/pdf', disposition: `inline; filename="${filename}"` });
  }
}
