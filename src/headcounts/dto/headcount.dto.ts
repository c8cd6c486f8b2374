import { ApiProperty } from '@nestjs/swagger';

export class CommissionerHeadcountResponse {
  @ApiProperty({ format: 'uuid' }) commissionerId: string;
  @ApiProperty({ description: "The commissioner's name (as it is now)", example: 'Cambridgeshire County Council' }) commissionerName: string;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ type: 'integer' }) managedCount: number;
  @ApiProperty({ type: 'integer' }) directPaymentCount: number;
  @ApiProperty({ type: 'integer', description: "The price of the contract period in force on the term's first day" }) pricePerTermPence: number;
  @ApiProperty({ type: 'integer', description: 'count × pricePerTermPence' }) incomePence: number;
}

export class HeadcountResponse {
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ type: 'integer', description: 'Participants registered at the end of the census date (Europe/London)' }) count: number;
  @ApiProperty({ type: [CommissionerHeadcountResponse] }) byCommissioner: CommissionerHeadcountResponse[];
  @ApiProperty({ type: 'integer', nullable: true, description: "The largest minimum of the contracts covering the programme-term" })
  minParticipants: number | null;
  @ApiProperty() belowMinimum: boolean;
  @ApiProperty({
    type: 'integer',
    description: 'Places taken after the census date and still held after that day: not in count (census rule), billed pro rata in the quarter they were taken',
  })
  lateJoiners: number;
  @ApiProperty({ description: 'True once the census has been invoiced' }) frozen: boolean;
}

export class UptakeSessionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty() startTime: string;
  @ApiProperty() endTime: string;
  @ApiProperty({ type: 'integer' }) capacity: number;
  @ApiProperty({ type: 'integer' }) booked: number;
  @ApiProperty({ type: 'integer' }) available: number;
}

export class UptakeResponse {
  @ApiProperty({ format: 'uuid' }) programmeId: string;
  @ApiProperty({ format: 'uuid' }) termId: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ type: 'integer', description: 'min(programme capacity, capacity of each session)' }) places: number;
  @ApiProperty({ type: 'integer' }) registered: number;
  @ApiProperty({ type: 'integer' }) waitlisted: number;
  @ApiProperty({ type: 'integer', description: 'The headcount as at today, or at the census date once it has passed' }) headcountSoFar: number;
  @ApiProperty({ type: 'integer', nullable: true }) minParticipants: number | null;
  @ApiProperty() belowMinimum: boolean;
  @ApiProperty({ type: 'integer', description: 'Income the headcount so far implies, at each contract’s termly price' }) projectedIncomePence: number;
  @ApiProperty({ type: [UptakeSessionResponse] }) sessions: UptakeSessionResponse[];
}
