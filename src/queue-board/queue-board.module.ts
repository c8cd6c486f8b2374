import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BoardAdminRepository } from './board-admin.repository.js';
import { BoardQueues } from './board-queues.js';
import { BoardSessionStore } from './board-session.store.js';
import { LoginThrottle } from './login-throttle.js';
import { QueueBoardSessions } from './queue-board-sessions.js';

/**
 * The queue board (Bull Board at /admin/queues) for administrators: which queues it shows and who may
 * see it (QueueBoardSessions). Loaded by the roles that serve HTTP; queue-board.fastify.ts mounts it.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [BoardQueues, BoardAdminRepository, BoardSessionStore, LoginThrottle, QueueBoardSessions],
  exports: [BoardQueues, QueueBoardSessions],
})
export class QueueBoardModule {}
