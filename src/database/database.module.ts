import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';

/** TypeORM on the validated DATABASE_URL; entities come from each feature module's forFeature. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.databaseUrl) throw new Error('No database URL: main() starts the embedded database first');
        const options = dataSourceOptions(config.databaseUrl, config.databasePoolSize);
        // a request never waits for a pooled connection longer than its own deadline (REQUEST_TIMEOUT_MS)
        return { ...options, extra: { ...options.extra, connectionTimeoutMillis: config.requestTimeoutMs }, autoLoadEntities: true };
      },
    }),
  ],
})
export class DatabaseModule {}
