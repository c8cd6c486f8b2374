import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { SCOPES, type Scope } from '../../auth/principal.js';
import type { Integration } from '../integration.entity.js';

export class CreateIntegrationDto {
  @ApiProperty({ example: 'Session app (phones)' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true, minItems: 1, maxItems: SCOPES.length, description: 'What the key may do; at least one scope' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(SCOPES.length) @ArrayUnique() @IsIn(SCOPES, { each: true })
  scopes: Scope[];
}

export class IntegrationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes: Scope[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) revokedAt: string | null;

  static of(integration: Integration): IntegrationResponse {
    return {
      id: integration.id,
      name: integration.name,
      scopes: integration.scopes,
      createdAt: integration.createdAt.toISOString(),
      revokedAt: integration.revokedAt?.toISOString() ?? null,
    };
  }
}

export class IntegrationWithKeyResponse extends IntegrationResponse {
  @ApiProperty({ description: 'Use as a Bearer token. Shown once: only its hash is stored.' })
  apiKey: string;
}

export class IntegrationPage extends PageResponse {
  @ApiProperty({ type: [IntegrationResponse] }) items: IntegrationResponse[];
}
