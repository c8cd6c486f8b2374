import { ApiProperty } from '@nestjs/swagger';

export class CommissionerHeadcountResponse {
  @ApiProperty() commissionerId: string;
  @ApiProperty({ description: "The commissioner's name (as it is now)", example: 'Cambridgeshire County Council' }) commissionerName: string;
  @ApiProperty() count: number;
  @ApiProperty() managedCount: number;
  @ApiProperty() directPaymentCount: number;
  @ApiProperty({ description: "The price of the contract period in force on the term's first day" }) pricePerTermPence: number;
  @ApiProperty({ description: 'count × pricePerTermPence' }) incomePence: number;
}

export class HeadcountResponse {
  @ApiProperty() programmeId: string;
  @ApiProperty() termId: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ description: 'Participants registered at the end of the census date (Europe/London)' }) count: number;
  @ApiProperty({ type: [CommissionerHeadcountResponse] }) byCommissioner: CommissionerHeadcountResponse[];
  @ApiProperty({ type: Number, nullable: true, description: "The largest minimum of the contracts covering the programme-term" })
  minParticipants: number | null;
  @ApiProperty() belowMinimum: boolean;
  @ApiProperty({
    description: 'Places taken after the census date and still held after that day: not in count (census rule), billed pro rata in the quarter they were taken',
  })
  lateJoiners: number;
  @ApiProperty({ description: 'True once the census has been invoiced' }) frozen: boolean;
}

export class UptakeSessionResponse {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty() startTime: string;
  @ApiProperty() endTime: string;
  @ApiProperty() capacity: number;
  @ApiProperty() booked: number;
  @ApiProperty() available: number;
}

export class UptakeResponse {
  @ApiProperty() programmeId: string;
  @ApiProperty() termId: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ description: 'min(programme capacity, capacity of each session)' }) places: number;
  @ApiProperty() registered: number;
  @ApiProperty() waitlisted: number;
  @ApiProperty({ description: 'The headcount as at today, or at the census date once it has passed' }) headcountSoFar: number;
  @ApiProperty({ type: Number, nullable: true }) minParticipants: number | null;
  @ApiProperty() belowMinimum: boolean;
  @ApiProperty({ description: 'Income the headcount so far implies, at each contract’s termly price' }) projectedIncomePence: number;
  @ApiProperty({ type: [UptakeSessionResponse] }) sessions: UptakeSessionResponse[];
}
