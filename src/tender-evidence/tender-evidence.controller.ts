import { Controller, Get, Header, Headers, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { negotiateMediaType } from '../common/content-negotiation.js';
import { TenderEvidenceResponse } from './dto/tender-evidence.dto.js';
import { TenderEvidenceService } from './tender-evidence.service.js';

const MEDIA_TYPES = ['application/json', 'application/pdf'] as const;

@ApiTags('referrals and outcomes')
@ApiExtraModels(TenderEvidenceResponse)
@Controller('tender-evidence')
export class TenderEvidenceController {
  constructor(private readonly evidence: TenderEvidenceService) {}

  @Get()
  @Roles('coordinator')
  @Header('Vary', 'Accept')
  @ApiProduces(...MEDIA_TYPES)
  @ApiOperation({
    summary: 'The tender evidence pack',
    description:
      "The selection criteria of a short-breaks tender (the essentials: insurances, health and safety, registration with Ofsted or the CQC; then child " +
      'protection, equality, quality assurance, similar contracts in the last three years, social value), each with the evidence held: the ' +
      "organisation's current documents of the compliance register, the contracts of the last three years with their value, the equality " +
      'monitoring and outcomes of the young people served (small numbers suppressed, no names). Each criterion carries the earliest expiry of ' +
      'its documents and `missing`/`expired` flags. JSON by default; `Accept: application/pdf`; 406 otherwise.',
  })
  @ApiOkResponse({
    description: 'The pack',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(TenderEvidenceResponse) } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiProblems(ProblemCode.NotAcceptable)
  async get(@Headers('accept') accept?: string) {
    const type = negotiateMediaType(accept, MEDIA_TYPES);
    const pack = await this.evidence.build();
    if (type === 'application/json') return pack;
    const { filename, content } = await this.evidence.pdf(pack);
    return new StreamableFile(content, { type: 'application/pdf', disposition: `inline; filename="${filename}"` });
  }
}
