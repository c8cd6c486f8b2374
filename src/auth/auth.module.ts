import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { CredentialRepository } from './credential.repository.js';
import { IntegrationRateLimiter } from './rate-limit.js';
import { TokenCache } from './token-cache.js';

@Global()
@Module({
  providers: [AuthService, CredentialRepository, TokenCache, IntegrationRateLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
