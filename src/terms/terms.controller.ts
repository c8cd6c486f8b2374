import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { PageQuery } from '../common/pagination.js';
import { ParseIdPipe } from '../common/validation.js';
import { CreateTermDto, TermPage, TermResponse } from './dto/term.dto.js';
import { TermsService } from './terms.service.js';

@ApiTags('programmes, terms, sessions')
@Roles('coordinator')
@Controller('terms')
export class TermsController {
  constructor(private readonly terms: TermsService) {}

  @Post()
  @ApiCreatedResponse({ type: TermResponse, description: '422 when the census date is outside the term or the term overlaps another' })
  create(@Body() dto: CreateTermDto): Promise<TermResponse> {
    return this.terms.create(dto);
  }

  @Get()
  @ApiOkResponse({ type: TermPage })
  list(@Query() page: PageQuery) {
    return this.terms.list(page);
  }

  @Get(':id')
  @ApiOkResponse({ type: TermResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<TermResponse> {
    return this.terms.get(id);
  }
}
