import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';

@Controller()
@ApiTags('Health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: ScaiSendQueues,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  health(): { status: string } {
    return { status: 'healthy' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the database and the queue store answer, else 503' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<{ status: string; detail?: string }> {
    try {
      await this.dataSource.query('SELECT 1');
      await this.queues.send.getJobCounts('waiting');
      return { status: 'ready' };
    } catch (error) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'unavailable', detail: (error as Error).message };
    }
  }
}
