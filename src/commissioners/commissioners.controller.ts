import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { CommissionersService } from './commissioners.service.js';
import { CommissionerPage, CommissionerResponse, CreateCommissionerDto, UpdateCommissionerDto } from './dto/commissioner.dto.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('commissioners and contracts')
@Controller('commissioners')
export class CommissionersController {
  constructor(private readonly commissioners: CommissionersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a commissioner' })
  @ApiProblems(ProblemCode.DuplicateCommissionerCode)
  @Roles()
  @ApiCreatedResponse({ type: CommissionerResponse })
  create(@Body() dto: CreateCommissionerDto): Promise<CommissionerResponse> {
    return this.commissioners.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List commissioners' })
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: CommissionerPage })
  list(@Query() page: PageQuery) {
    return this.commissioners.list(page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A commissioner' })
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: CommissionerResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<CommissionerResponse> {
    return this.commissioners.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a commissioner' })
  @ApiProblems(ProblemCode.DuplicateCommissionerCode)
  @Roles()
  @ApiOkResponse({ type: CommissionerResponse })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateCommissionerDto): Promise<CommissionerResponse> {
    return this.commissioners.update(id, dto);
  }
}
