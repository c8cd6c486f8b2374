// The baseline of `GET /health/live`: a minimal Nest 12 application on @nestjs/platform-fastify, one
// controller answering the same JSON, no logger. Run: node test/bench/http/minimal-nest.mjs <port>
// (decorators applied by hand: this file is plain JavaScript).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class HealthController {
  live() {
    return { status: 'ok' };
  }
}
Reflect.decorate([Get('live')], HealthController.prototype, 'live', Object.getOwnPropertyDescriptor(HealthController.prototype, 'live'));
Reflect.decorate([Controller('health')], HealthController);

class AppModule {}
Reflect.decorate([Module({ controllers: [HealthController] })], AppModule);

const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
await app.listen(Number(process.argv[2]), '127.0.0.1');
process.send?.('ready');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
