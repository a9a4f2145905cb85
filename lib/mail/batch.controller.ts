import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import { BatchService } from './batch.service.js';

export class ScheduledSendRequestDto {
  @ApiProperty({ description: 'Batch id from POST /v3/mail/batch' })
  @IsString()
  @MaxLength(255)
  batch_id!: string;

  @ApiProperty({ description: '`pause` keeps the batch queued until resumed, `cancel` cancels its messages that are still queued', enum: ['pause', 'cancel'] })
  @IsIn(['pause', 'cancel'])
  status!: 'pause' | 'cancel';
}

export class ScheduledSendUpdateDto {
  @ApiProperty({ enum: ['pause', 'cancel'] })
  @IsIn(['pause', 'cancel'])
  status!: 'pause' | 'cancel';
}

@ScaiSendController('v3/mail/batch', 'Batches')
@AcceptsApiKeys()
export class BatchController {
  constructor(private readonly batches: BatchService) {}

  @Post()
  @HttpCode(201)
  @RequirePermissions('mail.schedule')
  @ApiOperation({ summary: 'Create a batch id for scheduled sends' })
  async create(@CurrentPrincipal() principal: Principal): Promise<{ batch_id: string }> {
    return { batch_id: (await this.batches.create(principal.tenantId)).id };
  }

  @Get(':id')
  @RequirePermissions('mail.schedule')
  @ApiOperation({ summary: 'Count the messages of a batch by status' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ batch_id: string; total: number; statuses: Record<string, number> }> {
    return { batch_id: id, ...(await this.batches.statusCounts(principal.tenantId, id)) };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermissions('mail.cancel')
  @ApiOperation({ summary: 'Cancel the messages of a batch that are still queued' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ batch_id: string; status: string }> {
    await this.batches.hold(principal.tenantId, id, 'cancel');
    return { batch_id: id, status: 'cancel' };
  }
}

/** SendGrid's scheduled sends API: pause or cancel a batch, list held batches, resume one. */
@ScaiSendController('v3/user/scheduled_sends', 'Batches')
@AcceptsApiKeys()
export class ScheduledSendController {
  constructor(private readonly batches: BatchService) {}

  @Post()
  @HttpCode(201)
  @RequirePermissions('mail.cancel')
  @ApiOperation({ summary: 'Pause or cancel a batch' })
  async hold(@CurrentPrincipal() principal: Principal, @Body() body: ScheduledSendRequestDto): Promise<{ batch_id: string; status: string }> {
    const batch = await this.batches.hold(principal.tenantId, body.batch_id, body.status);
    return { batch_id: batch.id, status: batch.state };
  }

  @Get()
  @RequirePermissions('mail.schedule')
  @ApiOperation({ summary: 'List the paused and cancelled batches' })
  async list(@CurrentPrincipal() principal: Principal): Promise<Array<{ batch_id: string; status: string }>> {
    return (await this.batches.held(principal.tenantId)).map((batch) => ({ batch_id: batch.id, status: batch.state }));
  }

  @Get(':id')
  @RequirePermissions('mail.schedule')
  @ApiOperation({ summary: 'Get the state of a held batch' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Array<{ batch_id: string; status: string }>> {
    const batch = await this.batches.get(principal.tenantId, id);
    return batch.state === 'active' ? [] : [{ batch_id: batch.id, status: batch.state }];
  }

  @Patch(':id')
  @HttpCode(204)
  @RequirePermissions('mail.cancel')
  @ApiOperation({ summary: 'Change a held batch between pause and cancel' })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: ScheduledSendUpdateDto): Promise<void> {
    await this.batches.hold(principal.tenantId, id, body.status);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('mail.cancel')
  @ApiOperation({ summary: 'Resume a paused batch' })
  async resume(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.batches.resume(principal.tenantId, id);
  }
}
