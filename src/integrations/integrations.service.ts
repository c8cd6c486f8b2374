import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { INTEGRATION_KEY_PREFIX, hashSecret, newSecret } from '../auth/tokens.js';
import type { Principal } from '../auth/principal.js';
import { type Page, PageQuery, paginate } from '../common/pagination.js';
import { notFound } from '../common/problem.js';
import { CreateIntegrationDto, IntegrationResponse, IntegrationWithKeyResponse } from './dto/integration.dto.js';
import { Integration } from './integration.entity.js';

@Injectable()
export class IntegrationsService {
  constructor(@InjectRepository(Integration) private readonly integrations: Repository<Integration>) {}

  async create(dto: CreateIntegrationDto, createdBy: Principal): Promise<IntegrationWithKeyResponse> {
    const apiKey = newSecret(INTEGRATION_KEY_PREFIX);
    const saved = await this.integrations.save(
      this.integrations.create({ name: dto.name, scopes: dto.scopes, keyHash: hashSecret(apiKey), createdBy: createdBy.id }),
    );
    return { ...IntegrationResponse.of(await this.find(saved.id)), apiKey };
  }

  list(page: PageQuery): Promise<Page<IntegrationResponse>> {
    return paginate(this.integrations.createQueryBuilder('integration'), page, IntegrationResponse.of);
  }

  async get(id: string): Promise<IntegrationResponse> {
    return IntegrationResponse.of(await this.find(id));
  }

  /** Revokes the key at once; revoking a revoked key changes nothing. */
  async revoke(id: string): Promise<void> {
    await this.find(id);
    await this.integrations.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async find(id: string): Promise<Integration> {
    const integration = await this.integrations.findOneBy({ id });
    if (!integration) throw notFound('integration', id);
    return integration;
  }
}
