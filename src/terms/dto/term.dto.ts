import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { IsCalendarDate } from '../../common/validation.js';
import type { Term } from '../term.entity.js';

export class CreateTermDto {
  @ApiProperty({ example: 'Autumn 2026' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: '2026-09-01', format: 'date' })
  @IsCalendarDate()
  startsOn: string;

  @ApiProperty({ example: '2026-12-18', format: 'date' })
  @IsCalendarDate()
  endsOn: string;

  @ApiProperty({ example: '2026-10-01', format: 'date', description: 'Headcounts are taken at the end of this day (Europe/London); must fall within the term' })
  @IsCalendarDate()
  censusDate: string;
}

/**
 * A correction (PATCH /terms/:id): any field may be left out; null is refused. The result obeys the rules
 * of POST /terms, and a billed term's census does not move.
 */
export class UpdateTermDto extends PartialType(CreateTermDto, { skipNullProperties: false }) {}

export class TermResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ format: 'date' }) censusDate: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(t: Pick<Term, 'id' | 'name' | 'startsOn' | 'endsOn' | 'censusDate' | 'createdAt'>): TermResponse {
    return { id: t.id, name: t.name, startsOn: t.startsOn, endsOn: t.endsOn, censusDate: t.censusDate, createdAt: t.createdAt.toISOString() };
  }
}

export class TermPage extends PageResponse {
  @ApiProperty({ type: [TermResponse] }) items: TermResponse[];
}
