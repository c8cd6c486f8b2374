import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service.js';
import { Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateUserDto, UserPage, UserResponse, UserWithTokenResponse } from './dto/user.dto.js';
import { UsersService } from './users.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('identities')
@Roles()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a staff user and their first token' })
  @ApiProblems(ProblemCode.DuplicateEmail)
  @ApiCreatedResponse({ type: UserWithTokenResponse, description: 'Admin only. The token is shown once.' })
  create(@Body() dto: CreateUserDto): Promise<UserWithTokenResponse> {
    return this.users.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List staff users' })
  @ApiOkResponse({ type: UserPage })
  list(@Query() page: PageQuery) {
    return this.users.list(page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A staff user' })
  @ApiOkResponse({ type: UserResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Delete(':id/token')
  @ApiOperation({ summary: "Revoke a staff user's token" })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The token stops working at once' })
  async revokeToken(@Param('id', ParseIdPipe) id: string): Promise<void> {
    try {
      await this.users.revokeToken(id);
    } finally {
      this.auth.tokensChanged();
    }
  }

  @Post(':id/token')
  @ApiOperation({ summary: 'Issue a staff user a new token' })
  @ApiCreatedResponse({ type: UserWithTokenResponse, description: 'Issues a new token, replacing the old one' })
  async issueToken(@Param('id', ParseIdPipe) id: string): Promise<UserWithTokenResponse> {
    try {
      return await this.users.issueToken(id);
    } finally {
      this.auth.tokensChanged();
    }
  }
}
