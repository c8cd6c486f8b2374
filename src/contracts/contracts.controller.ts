import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { ParseIdPipe } from '../common/validation.js';
import { ContractsService } from './contracts.service.js';
import { ContractPage, ContractQuery, ContractResponse, CreateContractDto, CreateExtensionDto, UpdateContractDto } from './dto/contract.dto.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';

@ApiTags('commissioners and contracts')
@Controller('contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a contract' })
  @ApiProblems(ProblemCode.DuplicateContractReference, ProblemCode.UnknownCommissioner, ProblemCode.UnknownProgramme, ProblemCode.ContractDates, ProblemCode.ContractOverlap, ProblemCode.VatTreatmentRate)
  @Roles()
  @ApiCreatedResponse({ type: ContractResponse })
  create(@Body() dto: CreateContractDto): Promise<ContractResponse> {
    return this.contracts.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List contracts' })
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: ContractPage })
  list(@Query() query: ContractQuery) {
    return this.contracts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A contract, with its periods' })
  @Roles('coordinator', 'finance')
  @ApiOkResponse({ type: ContractResponse })
  get(@Param('id', ParseIdPipe) id: string): Promise<ContractResponse> {
    return this.contracts.get(id);
  }

  @Patch(':id')
  @ApiProblems(ProblemCode.DuplicateContractReference, ProblemCode.UnknownCommissioner, ProblemCode.UnknownProgramme, ProblemCode.ContractDates, ProblemCode.ContractOverlap, ProblemCode.ContractInUse, ProblemCode.VatTreatmentRate)
  @Roles()
  @ApiOperation({
    summary: 'Change a contract',
    description:
      'pricePerTermPence and poNumber cannot change once a registration or a document uses the contract (422 `contract-in-use`: add a period with POST /contracts/:id/extensions); ' +
      'startsOn and endsOn move the first and last period and must still cover every term in use.',
  })
  @ApiOkResponse({ type: ContractResponse })
  @ApiUnprocessableEntityResponse({ description: 'Problem details: contract-in-use, vat-treatment-rate, contract-dates, contract-overlap' })
  update(@Param('id', ParseIdPipe) id: string, @Body() dto: UpdateContractDto): Promise<ContractResponse> {
    return this.contracts.update(id, dto);
  }

  @Post(':id/extensions')
  @ApiProblems(ProblemCode.ContractExtension, ProblemCode.ContractInUse, ProblemCode.ContractDates, ProblemCode.ContractOverlap)
  @Roles()
  @ApiOperation({
    summary: 'Extend a contract, with a new period',
    description:
      'The contract now runs to endsOn; terms starting on or after effectiveFrom (default: the day after the old end) take the new price and PO. ' +
      'A term that already has registrations or documents on this contract keeps its price: effectiveFrom must be after its first day (422 `contract-in-use`).',
  })
  @ApiCreatedResponse({ type: ContractResponse })
  @ApiUnprocessableEntityResponse({ description: 'Problem details: contract-in-use, contract-extension, contract-overlap' })
  extend(@Param('id', ParseIdPipe) id: string, @Body() dto: CreateExtensionDto): Promise<ContractResponse> {
    return this.contracts.extend(id, dto);
  }
}
