import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { API_PREFIX } from './app.factory.js';
import { AppModule } from './app.module.js';
import { createApiDocument } from './common/api-docs.js';
import { loadConfig } from './config/app-config.js';

/**
 * The API description without a database, Redis or a listening server: Nest's preview mode reads the
 * modules and controllers but creates no provider (so nothing connects). The global prefix is set as
 * createHttpApp sets it; test/api-docs.e2e-spec.ts checks this document equals what /api/docs-json serves.
 * (The adapter is the service's own, Fastify, only read here, never listened on.)
 */
export async function buildApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule.forRole(loadConfig({ NODE_ENV: 'test' }), 'all'), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  try {
    app.setGlobalPrefix(API_PREFIX, {
      exclude: [
        { path: 'health/live', method: RequestMethod.GET },
        { path: 'health/ready', method: RequestMethod.GET },
      ],
    });
    return createApiDocument(app);
  } finally {
    await app.close();
  }
}
