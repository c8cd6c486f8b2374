import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Commissioner } from './commissioner.entity.js';
import { CommissionersController } from './commissioners.controller.js';
import { CommissionersService } from './commissioners.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Commissioner])],
  controllers: [CommissionersController],
  providers: [CommissionersService],
  exports: [CommissionersService],
})
export class CommissionersModule {}
