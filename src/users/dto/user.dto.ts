import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { PageResponse } from '../../common/pagination.js';
import { ROLES, type Role } from '../../auth/principal.js';
import type { User } from '../user.entity.js';

export class CreateUserDto {
  @ApiProperty({ example: 'Sam Coordinator' })
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'sam@museum.example' })
  @IsEmail() @MaxLength(320)
  email: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ description: 'Whether the user currently holds a working token' }) hasToken: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(user: User): UserResponse {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      hasToken: user.tokenIssuedAt !== null,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class UserWithTokenResponse extends UserResponse {
  @ApiProperty({ description: 'The bearer token. Shown once: only its hash is stored.' })
  token: string;
}

export class UserPage extends PageResponse {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
}
