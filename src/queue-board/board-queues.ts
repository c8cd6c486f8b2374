import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import Bull, { type Queue } from 'bull';

/**
 * The queues the board shows: every Bull queue the application registered (BullModule.registerQueue in
 * any module), found among the application's providers, so a new queue appears without touching the
 * board. A queue registered by two modules is shown once; queues are listed by name.
 */
@Injectable()
export class BoardQueues {
  constructor(private readonly discovery: DiscoveryService) {}

  all(): Queue[] {
    const byName = new Map<string, Queue>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Bull && !byName.has((instance as Queue).name)) byName.set((instance as Queue).name, instance as Queue);
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
