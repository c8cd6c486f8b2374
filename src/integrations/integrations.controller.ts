import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service.js';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateIntegrationDto, IntegrationPage, IntegrationResponse, IntegrationWithKeyResponse } from './dto/integration.dto.js';
import { IntegrationsService } from './integrations.service.js';

@ApiTags('identities')
@Roles()
@Controller('integrations')
export class IntegrationsController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly auth: AuthService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an integration and its API key' })
  @ApiCreatedResponse({ type: IntegrationWithKeyResponse, description: 'Admin only. The API key is shown once.' })
  create(@Body() dto: CreateIntegrationDto, @CurrentPrincipal() principal: Principal): Promise<IntegrationWithKeyResponse> {
    return this.integrations.create(dto, principal);
  }

  @Get()
  @ApiOperation({ summary: 'List integrations' })
  @ApiOkResponse({ type: IntegrationPage })
  list(@Query() page: PageQuery) {
    return this.integrations.list(page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An integration' })
  @ApiOkResponse({ type: IntegrationResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<IntegrationResponse> {
    return this.integrations.get(id);
  }

  @Delete(':id')
  @ApiOperation({ summary: "Revoke an integration's API key" })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The key stops working at once' })
  async revoke(@Param('id', ParseIdPipe) id: string): Promise<void> {
    try {
      await this.integrations.revoke(id);
    } finally {
      this.auth.tokensChanged();
    }
  }
}
