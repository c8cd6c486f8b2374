import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ParseIdPipe } from '../../common/validation.js';
import { BillingRunsService } from './billing-runs.service.js';
import { BillingPreviewResponse, BillingRunPage, BillingRunQuery, BillingRunResponse, CreateBillingRunDto } from './dto/billing-run.dto.js';
import { ApiProblems } from '../../common/api-problems.js';
import { ProblemCode } from '../../common/problem-codes.js';
import { EXAMPLES } from '../../common/api-examples.js';

@ApiTags('billing')
@Roles('finance')
@Controller('billing-runs')
export class BillingRunsController {
  constructor(private readonly runs: BillingRunsService) {}

  @Post()
  @ApiProblems(ProblemCode.BillingRunActive, ProblemCode.BillingRunBusy)
  @ApiOperation({
    summary: 'Bill a quarter',
    description:
      'Queues a run that bills every term whose census date falls inside the quarter and is not after the day the run executes (Europe/London). ' +
      'Each run bills only what changed since the quarter was last billed: new participants are invoiced (a supplementary invoice on a rerun), ' +
      'participants no longer counted at the census are credited; nothing changed → no documents. 202 with the new run; 200 with the ' +
      'queued or running run of the same quarter instead of a second one. The run is saved before it is queued, so it is never lost when ' +
      'the queue is unreachable. `dryRun: true` → 200 with the documents a run would issue now, without numbering or saving anything.',
  })
  @ApiExtraModels(BillingRunResponse, BillingPreviewResponse)
  @ApiAcceptedResponse({ type: BillingRunResponse, example: EXAMPLES.billingRunQueued, description: 'A new run, queued' })
  @ApiOkResponse({
    description: 'The quarter’s run that is already queued or running; or, for dryRun, the preview',
    schema: { oneOf: [{ $ref: getSchemaPath(BillingRunResponse) }, { $ref: getSchemaPath(BillingPreviewResponse) }] },
  })
  async create(
    @Body() dto: CreateBillingRunDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<BillingRunResponse | BillingPreviewResponse> {
    if (dto.dryRun) return this.runs.preview(dto.quarter).then((preview) => (res.status(200), preview));
    const { created, run } = await this.runs.request(dto.quarter, principal);
    res.status(created ? 202 : 200);
    return run;
  }

  @Get()
  @ApiOperation({ summary: 'List billing runs' })
  @ApiOkResponse({ type: BillingRunPage, example: EXAMPLES.billingRunPage })
  list(@Query() query: BillingRunQuery) {
    return this.runs.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A billing run' })
  @ApiOkResponse({ type: BillingRunResponse, example: EXAMPLES.billingRun })
  get(@Param('id', ParseIdPipe) id: string): Promise<BillingRunResponse> {
    return this.runs.get(id);
  }

  @Post(':id/retry')
  @ApiProblems(ProblemCode.BillingRunActive, ProblemCode.BillingRunNotFailed, ProblemCode.Unavailable)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a failed or stuck run again',
    description:
      'Takes a failed run, or a run stuck `running` whose Bull job will not run (gone from Redis, or its worker died) and that nobody ' +
      'is executing. 409 for any other run (one running under a live worker, queued or completed), and while another run of its quarter ' +
      'is queued or running; 503 with Retry-After when Redis cannot tell whether a running run’s worker is alive.',
  })
  @ApiAcceptedResponse({ type: BillingRunResponse })
  retry(@Param('id', ParseIdPipe) id: string): Promise<BillingRunResponse> {
    return this.runs.retry(id);
  }
}
