import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { NotificationPage, NotificationQuery } from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles('coordinator', 'finance')
  @ApiOperation({
    summary: 'Email notifications and how their sending went (admin, coordinator; finance: invoice_issued only)',
    description:
      'Each email the service sends (invoice_issued, session_cancelled, waitlist_promoted, consent_expiring, compliance_expiring) is written ' +
      'in the transaction of its event and sent through SMTP_URL by the mail queue, retried with exponential backoff. Without SMTP_URL ' +
      'notifications stay queued until it is configured. A sent notification is never sent again. Bodies are not returned.',
  })
  @ApiOkResponse({ type: NotificationPage })
  @ApiProblems(ProblemCode.InvalidRequest)
  list(@Query() query: NotificationQuery, @CurrentPrincipal() principal: Principal) {
    return this.notifications.list(query, principal);
  }
}
