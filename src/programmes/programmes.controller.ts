import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateProgrammeDto, ProgrammePage, ProgrammeQuery, ProgrammeResponse, UpdateProgrammeDto } from './dto/programme.dto.js';
import { ProgrammesService } from './programmes.service.js';

@ApiTags('programmes, terms, sessions')
@Roles('coordinator')
@Controller('programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  @Post()
  @ApiCreatedResponse({ type: ProgrammeResponse })
  create(@Body() dto: CreateProgrammeDto): Promise<ProgrammeResponse> {
    return this.programmes.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: ProgrammePage })
  list(@Query() query: ProgrammeQuery) {
    return this.programmes.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProgrammeResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<ProgrammeResponse> {
    return this.programmes.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ProgrammeResponse })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateProgrammeDto): Promise<ProgrammeResponse> {
    return this.programmes.update(id, dto);
  }
}
