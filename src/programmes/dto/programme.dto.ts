import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery, PageResponse } from '../../common/pagination.js';
import { TrimmedSearch } from '../../common/query-params.js';
import { IsOmittable } from '../../common/validation.js';
import type { Programme } from '../programme.entity.js';

export const MAX_AGE = 25;

export class CreateProgrammeDto {
  @ApiProperty({ example: 'Arts Pioneers' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'Fitzwilliam Museum, Cambridge' })
  @IsString() @MinLength(1) @MaxLength(300)
  venue: string;

  @ApiProperty({ type: 'integer', example: 11, minimum: 0, maximum: MAX_AGE })
  @IsInt() @Min(0) @Max(MAX_AGE)
  minAge: number;

  @ApiProperty({ type: 'integer', example: 15, minimum: 0, maximum: MAX_AGE })
  @IsInt() @Min(0) @Max(MAX_AGE)
  maxAge: number;

  @ApiPropertyOptional({ type: 'integer', default: 12, minimum: 1, description: 'Places per session, at most SESSION_CAPACITY_LIMIT (12 by default)' })
  @IsOmittable() @IsInt() @Min(1)
  capacity?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ type: 'integer', default: 4, minimum: 1, maximum: 50, description: 'Group participants per support worker' })
  @IsOmittable() @IsInt() @Min(1) @Max(50)
  groupRatio?: number;
}

/** Any field may be left out; null clears the description and is refused for the rest. */
export class UpdateProgrammeDto extends PartialType(CreateProgrammeDto, { skipNullProperties: false }) {}

export class ProgrammeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() venue: string;
  @ApiProperty({ type: 'integer' }) minAge: number;
  @ApiProperty({ type: 'integer' }) maxAge: number;
  @ApiProperty({ type: 'integer' }) capacity: number;
  @ApiProperty({ type: 'integer', description: 'Group participants per support worker' }) groupRatio: number;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static of(p: Programme): ProgrammeResponse {
    return {
      id: p.id,
      name: p.name,
      venue: p.venue,
      minAge: p.minAge,
      maxAge: p.maxAge,
      capacity: p.capacity,
      groupRatio: p.groupRatio,
      description: p.description,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}

/** `GET /programmes`: paging and a name filter. */
export class ProgrammeQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 100, example: 'Arts', description: 'Case-insensitive prefix of the name; % and _ are taken literally' })
  @IsOptional() @TrimmedSearch() @IsString() @MaxLength(100)
  q?: string;
}

export class ProgrammePage extends PageResponse {
  @ApiProperty({ type: [ProgrammeResponse] }) items: ProgrammeResponse[];
}
