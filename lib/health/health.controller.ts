import { Controller, Get, HttpStatus, Logger, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ScaiSendQueues } from '../queues/scaisend-queues.js';

@Controller()
@ApiTags('Health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

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
    for (const [name, check] of [
      ['database', () => this.dataSource.query('SELECT 1')],
      ['queue store', () => this.queues.send.getJobCounts('waiting')],
    ] as const) {
      try {
        await check();
      } catch (error) {
        this.logger.error(`Readiness check of the ${name} failed: ${(error as Error).message}`);
        response.status(HttpStatus.SERVICE_UNAVAILABLE);
        return { status: 'unavailable', detail: `The ${name} is unreachable` };
      }
    }
    return { status: 'ready' };
  }
}
