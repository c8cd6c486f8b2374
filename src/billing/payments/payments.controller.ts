import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/decorators.js';
import { ParseIdPipe } from '../../common/validation.js';
import { PaymentsService } from './payments.service.js';

@ApiTags('invoices')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':id/receipt')
  @Roles('finance', 'coordinator')
  @Header('Content-Type', 'application/pdf')
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary: 'An itemised receipt for a payment (PDF)',
    description:
      "For a budget holder's invoice: the child, programme, term and each session (date and times) the invoice line charged, the amount, " +
      "method, date received and invoice number — what pre-paid card schemes ask families for. For a council's invoice (a payment or a " +
      'remittance allocation): its lines by programme, term and quantity.',
  })
  @ApiOkResponse({ description: 'The receipt as a PDF', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'No such payment' })
  async receipt(@Param('id', ParseIdPipe) id: string): Promise<StreamableFile> {
    const { filename, content } = await this.payments.receipt(id);
    return new StreamableFile(content, { type: 'application/pdf', disposition: `inline; filename="${filename}"` });
  }
}
