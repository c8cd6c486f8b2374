import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { ContractsService } from './contracts.service.js';
import { ContractPage, ContractQuery, ContractResponse, CreateContractDto, UpdateContractDto } from './dto/contract.dto.js';

@ApiTags('commissioners and contracts')
@Controller('contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @Roles()
  @ApiCreatedResponse({ type: ContractResponse })
  create(@Body() dto: CreateContractDto): Promise<ContractResponse> {
    return this.contracts.create(dto);
  }

  @Get()
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: ContractPage })
  list(@Query() query: ContractQuery) {
    return this.contracts.list(query);
  }

  @Get(':id')
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: ContractResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<ContractResponse> {
    return this.contracts.get(id);
  }

  @Patch(':id')
  @Roles()
  @ApiOkResponse({ type: ContractResponse })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateContractDto): Promise<ContractResponse> {
    return this.contracts.update(id, dto);
  }
}
