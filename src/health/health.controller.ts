import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators.js';
import { ProblemError } from '../common/problem.js';
import { withTimeout } from '../common/with-timeout.js';
import { AppConfig } from '../config/app-config.js';
import { REDIS } from '../redis/redis.module.js';
import { ping } from './health.repository.js';
import { ProblemCode } from '../common/problem-codes.js';
import { ApiProblems } from '../common/api-problems.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ description: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiProblems(ProblemCode.Unavailable)
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer' })
  @ApiOkResponse({ description: 'PostgreSQL and Redis both answer' })
  @ApiServiceUnavailableResponse({ description: 'Problem details naming what is down' })
  async ready() {
    const timeoutMs = this.config.healthCheckTimeoutMs;
    const [database, redis] = await Promise.all([
      withTimeout(ping(this.dataSource), timeoutMs, 'PostgreSQL').then(() => 'up', () => 'down'),
      withTimeout(this.redis.ping(), timeoutMs, 'Redis').then(() => 'up', () => 'down'),
    ]);
    const checks = { database, redis };
    if (database === 'down' || redis === 'down') {
      const down = Object.entries(checks).filter(([, v]) => v === 'down').map(([k]) => k);
      throw new ProblemError(503, ProblemCode.Unavailable, 'Service unavailable', `Not ready: ${down.join(' and ')} not answering`);
    }
    return { status: 'ok', checks };
  }
}
