import { Global, Module } from '@nestjs/common';
import { DependencyMonitor } from './dependency-monitor.js';
import { HealthController } from './health.controller.js';

/** Health checks, and the monitor that knows (and logs once) when PostgreSQL or Redis is down. */
@Global()
@Module({ controllers: [HealthController], providers: [DependencyMonitor], exports: [DependencyMonitor] })
export class HealthModule {}
