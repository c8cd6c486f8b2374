import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CancelSessionDto {
  @ApiProperty({ example: 'Venue closed: burst pipe', minLength: 1, maxLength: 2000 })
  @IsString() @MinLength(1) @MaxLength(2000)
  reason: string;
}
