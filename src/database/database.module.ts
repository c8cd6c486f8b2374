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
        return { ...dataSourceOptions(config.databaseUrl, config.databasePoolSize), autoLoadEntities: true };
      },
    }),
  ],
})
export class DatabaseModule {}
