import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { SafeguardingAlertPage, SafeguardingAlertQuery, SafeguardingAlertResponse } from './dto/safeguarding-alert.dto.js';
import { SafeguardingAlertsService } from './safeguarding-alerts.service.js';

@ApiTags('case notes and data protection')
@Roles()
@Controller('safeguarding-alerts')
export class SafeguardingAlertsController {
  constructor(private readonly alerts: SafeguardingAlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Safeguarding alerts and their delivery attempts (admin)',
    description:
      'A safeguarding note sends a POST to SAFEGUARDING_WEBHOOK_URL with a JSON body carrying ids, category, times and a link ' +
      '(never the note body), signed with X-Signature: sha256=<hex HMAC-SHA256 of the raw body with SAFEGUARDING_WEBHOOK_SECRET> ' +
      'and X-Signature-Timestamp (Unix seconds, also in the body as sentAt). Failed deliveries are retried with exponential backoff.',
  })
  @ApiOkResponse({ type: SafeguardingAlertPage })
  list(@Query() query: SafeguardingAlertQuery) {
    return this.alerts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A safeguarding alert and its delivery attempts' })
  @ApiOkResponse({ type: SafeguardingAlertResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<SafeguardingAlertResponse> {
    return this.alerts.get(id);
  }
}
