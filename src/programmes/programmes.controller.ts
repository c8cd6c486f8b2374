import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateProgrammeDto, ProgrammePage, ProgrammeQuery, ProgrammeResponse, UpdateProgrammeDto } from './dto/programme.dto.js';
import { ProgrammesService } from './programmes.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { EXAMPLES } from '../common/api-examples.js';

@ApiTags('programmes, terms, sessions')
@Roles('coordinator')
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a programme' })
  @ApiProblems(ProblemCode.AgeRange)
  @ApiCreatedResponse({ type: ProgrammeResponse, example: EXAMPLES.programme })
  create(@Body() dto: CreateProgrammeDto): Promise<ProgrammeResponse> {
    return this.programmes.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List programmes' })
  @ApiOkResponse({ type: ProgrammePage, example: EXAMPLES.programmePage })
  list(@Query() query: ProgrammeQuery) {
    return this.programmes.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A programme' })
  @ApiOkResponse({ type: ProgrammeResponse, example: EXAMPLES.programme })
  get(@Param('id', ParseIdPipe) id: string): Promise<ProgrammeResponse> {
    return this.programmes.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a programme' })
  @ApiProblems(ProblemCode.AgeRange, ProblemCode.CapacityBelowRegistered)
  @ApiOkResponse({ type: ProgrammeResponse, example: EXAMPLES.programme })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateProgrammeDto): Promise<ProgrammeResponse> {
    return this.programmes.update(id, dto);
  }
}
