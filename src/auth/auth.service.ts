import { Injectable } from '@nestjs/common';
import { CredentialRepository } from './credential.repository.js';
import { INTEGRATION_KEY_PREFIX, hashSecret } from './tokens.js';
import type { Principal } from './principal.js';
import { TokenCache } from './token-cache.js';

/**
 * Turns a bearer token into a principal: from this process's TokenCache while it hears of every change to
 * tokens, else from the database. Either way a revoked token stops working on the next request in the
 * process that revoked it (`tokensChanged`), and within milliseconds in every other.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly cache: TokenCache,
  ) {}

  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashSecret(token);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const mark = this.cache.mark();
    const principal = await this.lookUp(token, hash);
    if (principal) this.cache.set(hash, principal, mark);
    return principal;
  }

  /** This process revoked or reissued a token, or changed its holder: forget what it knows of tokens. */
  tokensChanged(): void {
    this.cache.forgetAll();
  }

  private lookUp(token: string, hash: string): Promise<Principal | undefined> {
    return token.startsWith(INTEGRATION_KEY_PREFIX) ? this.credentials.integrationByKeyHash(hash) : this.credentials.userByTokenHash(hash);
  }
}
