import { Body, createParamDecorator, Delete, ExecutionContext, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiException } from '../common/errors.js';
import { CurrentPrincipal } from '../common/principal.decorator.js';
import type { Principal } from '../common/principal.js';
import { AcceptsApiKeys, RequirePermissions } from '../common/require-permissions.decorator.js';
import { ScaiSendController } from '../common/scaisend-controller.decorator.js';
import {
  AddressGroupsResponseDto,
  CreatedGroupResponseDto,
  CreateGroupRequestDto,
  GroupResponseDto,
  GroupUnsubscriptionResponseDto,
  ListGroupsQueryDto,
  toCreatedGroupResponse,
  toGroupResponse,
  toGroupUnsubscriptionResponse,
  UpdateGroupRequestDto,
} from './suppression-group.dto.js';
import { MAX_GROUP_ID } from './suppression-group.entity.js';
import { SuppressionGroupService } from './suppression-group.service.js';
import { RecipientEmailsRequestDto } from './suppression-request.dto.js';
import { RecipientEmailsResponseDto } from './suppression-response.dto.js';

/**
 * Reads the `:id` of a group path as a number and rejects anything but a positive integer with
 * 400. It is a custom decorator because the validation pipe turns "abc" into NaN before a
 * parameter pipe runs.
 */
const GroupId = createParamDecorator((_data: unknown, context: ExecutionContext): number => {
  const value = String(context.switchToHttp().getRequest<Request>().params.id);
  const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(id >= 1 && id <= MAX_GROUP_ID)) {
    throw new ApiException(HttpStatus.BAD_REQUEST, `The group id must be a positive integer, got "${value}".`);
  }
  return id;
});

/** Swagger description of the `:id` that {@link GroupId} reads. */
const ApiGroupId = (): MethodDecorator => ApiParam({ name: 'id', type: 'integer', description: 'Group id', example: 103 });

/** `/v3/asm/groups`: unsubscribe groups and the addresses that left each one. */
@ScaiSendController('v3/asm/groups', 'Suppressions')
@AcceptsApiKeys()
export class SuppressionGroupController {
  constructor(private readonly groups: SuppressionGroupService) {}

  @Post()
  @RequirePermissions('suppressions.write')
  @ApiOperation({ summary: 'Create an unsubscribe group; is_default: true makes it the only default group' })
  @ApiCreatedResponse({ type: CreatedGroupResponseDto })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateGroupRequestDto): Promise<CreatedGroupResponseDto> {
    const group = await this.groups.create(principal.tenantId, { name: body.name, description: body.description, isDefault: body.is_default ?? false });
    return toCreatedGroupResponse(group);
  }

  @Get()
  @RequirePermissions('suppressions.read')
  @ApiOperation({ summary: 'List unsubscribe groups, oldest first, with their number of unsubscribes' })
  @ApiOkResponse({ type: [GroupResponseDto] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListGroupsQueryDto): Promise<GroupResponseDto[]> {
    return (await this.groups.list(principal.tenantId, query.id)).map(toGroupResponse);
  }

  @Get(':id')
  @RequirePermissions('suppressions.read')
  @ApiGroupId()
  @ApiOperation({ summary: 'Get one unsubscribe group' })
  @ApiOkResponse({ type: GroupResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @GroupId() id: number): Promise<GroupResponseDto> {
    return toGroupResponse(await this.groups.get(principal.tenantId, id));
  }

  @Patch(':id')
  @RequirePermissions('suppressions.write')
  @ApiGroupId()
  @ApiOperation({ summary: 'Change the name, description or default flag of a group' })
  @ApiOkResponse({ type: GroupResponseDto })
  async update(@CurrentPrincipal() principal: Principal, @GroupId() id: number, @Body() body: UpdateGroupRequestDto): Promise<GroupResponseDto> {
    const changes = { name: body.name, description: body.description, isDefault: body.is_default };
    return toGroupResponse(await this.groups.update(principal.tenantId, id, changes));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('suppressions.write')
  @ApiGroupId()
  @ApiOperation({ summary: 'Delete a group and its unsubscribes, so its former members receive its mail again' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @GroupId() id: number): Promise<void> {
    await this.groups.remove(principal.tenantId, id);
  }

  @Get(':id/suppressions')
  @RequirePermissions('suppressions.read')
  @ApiGroupId()
  @ApiOperation({ summary: 'List the addresses that unsubscribed from a group' })
  @ApiOkResponse({ type: [String] })
  async listMembers(@CurrentPrincipal() principal: Principal, @GroupId() id: number): Promise<string[]> {
    return this.groups.listMembers(principal.tenantId, id);
  }

  @Post(':id/suppressions')
  @RequirePermissions('suppressions.write')
  @ApiGroupId()
  @ApiOperation({ summary: 'Unsubscribe addresses from a group; addresses already in it stay as they are' })
  @ApiCreatedResponse({ type: RecipientEmailsResponseDto })
  async addMembers(@CurrentPrincipal() principal: Principal, @GroupId() id: number, @Body() body: RecipientEmailsRequestDto): Promise<RecipientEmailsResponseDto> {
    return { recipient_emails: await this.groups.addMembers(principal.tenantId, id, body.recipient_emails) };
  }

  @Post(':id/suppressions/search')
  @HttpCode(200)
  @RequirePermissions('suppressions.read')
  @ApiGroupId()
  @ApiOperation({ summary: 'Return the given addresses that unsubscribed from a group' })
  @ApiOkResponse({ type: [String] })
  async searchMembers(@CurrentPrincipal() principal: Principal, @GroupId() id: number, @Body() body: RecipientEmailsRequestDto): Promise<string[]> {
    return this.groups.searchMembers(principal.tenantId, id, body.recipient_emails);
  }

  @Delete(':id/suppressions/:email')
  @HttpCode(204)
  @RequirePermissions('suppressions.write')
  @ApiGroupId()
  @ApiOperation({ summary: 'Resubscribe an address to a group' })
  @ApiNoContentResponse()
  async removeMember(@CurrentPrincipal() principal: Principal, @GroupId() id: number, @Param('email') email: string): Promise<void> {
    await this.groups.removeMember(principal.tenantId, id, email);
  }
}

/**
 * `/v3/asm/suppressions`: the unsubscriptions of all groups at once. The module registers it
 * after the global unsubscribes, so `/v3/asm/suppressions/global` keeps its own route.
 */
@ScaiSendController('v3/asm/suppressions', 'Suppressions')
@AcceptsApiKeys()
export class GroupUnsubscriptionController {
  constructor(private readonly groups: SuppressionGroupService) {}

  @Get()
  @RequirePermissions('suppressions.read')
  @ApiOperation({ summary: 'List every address that unsubscribed from a group, with the group' })
  @ApiOkResponse({ type: [GroupUnsubscriptionResponseDto] })
  async list(@CurrentPrincipal() principal: Principal): Promise<GroupUnsubscriptionResponseDto[]> {
    return (await this.groups.listAllMembers(principal.tenantId)).map(toGroupUnsubscriptionResponse);
  }

  @Get(':email')
  @RequirePermissions('suppressions.read')
  @ApiOperation({ summary: 'List every group with whether the address unsubscribed from it' })
  @ApiOkResponse({ type: AddressGroupsResponseDto })
  async groupsOf(@CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<AddressGroupsResponseDto> {
    const groups = await this.groups.groupsOfAddress(principal.tenantId, email);
    return { suppressions: groups.map(({ group, suppressed }) => ({ ...toCreatedGroupResponse(group), suppressed })) };
  }
}
