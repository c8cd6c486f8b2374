import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/decorators.js';
import type { Principal } from '../auth/principal.js';
import { ParseIdPipe } from '../common/validation.js';
import {
  CreateRegistrationDto,
  RegistrationPage,
  RegistrationQuery,
  RegistrationResponse,
  WithdrawalResponse,
  WithdrawRegistrationDto,
} from './dto/registration.dto.js';
import { RegistrationsService } from './registrations.service.js';
import { ApiProblems } from '../common/api-problems.js';
import { ProblemCode } from '../common/problem-codes.js';
import { EXAMPLES } from '../common/api-examples.js';

@ApiTags('registrations')
@Roles('coordinator')
@Controller('registrations')
export class RegistrationsController {
  constructor(private readonly registrations: RegistrationsService) {}

  @Post()
  @ApiOperation({ summary: "Register a participant for a programme's term (or waitlist them)" })
  @ApiProblems(ProblemCode.AlreadyRegistered, ProblemCode.UnknownParticipant, ProblemCode.UnknownProgramme, ProblemCode.UnknownTerm, ProblemCode.UnknownBudget, ProblemCode.ParticipantErased, ProblemCode.AgeOutOfRange, ProblemCode.BudgetNotParticipants, ProblemCode.BudgetNotValidForTerm, ProblemCode.NoContractCoversProgramme, ProblemCode.InsufficientBudget, ProblemCode.TermEnded, ProblemCode.RegisteredOnInFuture, ProblemCode.RegisteredOnAfterTerm)
  @ApiCreatedResponse({
    type: RegistrationResponse,
    examples: {
      registered: { summary: 'A place was free', value: EXAMPLES.registration },
      waitlisted: { summary: 'The programme was full', value: EXAMPLES.registrationWaitlisted },
    },
    description:
      "registered (a place was free; the price is committed against the budget) or waitlisted. 409 when the participant already has an active registration for the programme and term; 422 when the age, the budget (owner, validity, money) or the commissioner's contract rule refuses it.",
  })
  register(@Body() dto: CreateRegistrationDto, @CurrentPrincipal() principal: Principal): Promise<RegistrationResponse> {
    return this.registrations.register(dto, principal);
  }

  @Get()
  @ApiOperation({ summary: 'List registrations' })
  @ApiOkResponse({ type: RegistrationPage, example: EXAMPLES.registrationPage })
  list(@Query() query: RegistrationQuery) {
    return this.registrations.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A registration' })
  @ApiOkResponse({ type: RegistrationResponse, example: EXAMPLES.registration })
  get(@Param('id', ParseIdPipe) id: string): Promise<RegistrationResponse> {
    return this.registrations.get(id);
  }

  @Post(':id/withdraw')
  @ApiOperation({ summary: 'Withdraw a registration (the waitlist moves up)' })
  @ApiProblems(ProblemCode.AlreadyWithdrawn, ProblemCode.WithdrawalOutsideTerm)
  @HttpCode(200)
  @ApiOkResponse({ type: WithdrawalResponse, example: EXAMPLES.registrationWithdrawn, description: 'The freed place goes, in the same transaction, to the earliest eligible waitlisted registration (promoted)' })
  withdraw(@Param('id', ParseIdPipe) id: string, @Body() dto: WithdrawRegistrationDto): Promise<WithdrawalResponse> {
    return this.registrations.withdraw(id, dto);
  }
}
