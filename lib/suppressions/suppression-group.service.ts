import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException } from '../common/errors.js';
import { CLOCK } from '../module/tokens.js';
import { GroupSuppressionEntity } from './group-suppression.entity.js';
import { SuppressionGroupEntity } from './suppression-group.entity.js';

/** Most groups a tenant can have, as SendGrid allows per account. */
export const MAX_GROUPS_PER_TENANT = 200;

/** A group with the number of addresses that unsubscribed from it. */
export interface GroupWithCount {
  group: SuppressionGroupEntity;
  unsubscribes: number;
}

export interface GroupInput {
  name: string;
  description: string;
  isDefault: boolean;
}

export type GroupChanges = Partial<GroupInput>;

/** One address that unsubscribed from one group. */
export interface GroupUnsubscription {
  email: string;
  group: SuppressionGroupEntity;
  createdAt: Date;
}

/** Creates, changes and deletes unsubscribe groups and the addresses that left them. */
@Injectable()
export class SuppressionGroupService {
  constructor(
    @InjectRepository(SuppressionGroupEntity) private readonly groups: Repository<SuppressionGroupEntity>,
    @InjectRepository(GroupSuppressionEntity) private readonly members: Repository<GroupSuppressionEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Creates a group; a default group replaces the tenant's previous default. */
  async create(tenantId: string, input: GroupInput): Promise<SuppressionGroupEntity> {
    return this.groups.manager.transaction(async (manager) => {
      await lockTenantGroups(manager, tenantId);
      const count = await manager.countBy(SuppressionGroupEntity, { tenantId });
      if (count >= MAX_GROUPS_PER_TENANT) {
        throw new ApiException(HttpStatus.BAD_REQUEST, `A tenant can have at most ${MAX_GROUPS_PER_TENANT} suppression groups; delete one before creating another.`);
      }
      await checkNameFree(manager, tenantId, input.name);
      if (input.isDefault) await clearDefault(manager, tenantId);

      const now = this.clock.now();
      const group = manager.create(SuppressionGroupEntity, { tenantId, name: input.name, description: input.description, isDefault: input.isDefault, createdAt: now, updatedAt: now });
      const result = await manager.insert(SuppressionGroupEntity, group);
      group.id = (result.identifiers[0] as { id: number }).id;
      return group;
    });
  }

  /** Returns the tenant's groups, oldest first, optionally only those with the given ids. */
  async list(tenantId: string, ids: number[] = []): Promise<GroupWithCount[]> {
    const groups = await this.groups.find({ where: ids.length > 0 ? { tenantId, id: In(ids) } : { tenantId }, order: { id: 'ASC' } });
    const counts = await this.countMembers(tenantId, groups.map((group) => group.id));
    return groups.map((group) => ({ group, unsubscribes: counts.get(group.id) ?? 0 }));
  }

  /** Returns one group with its count; 404 when the tenant has no such group. */
  async get(tenantId: string, id: number): Promise<GroupWithCount> {
    const group = await this.findGroup(this.groups.manager, tenantId, id);
    const counts = await this.countMembers(tenantId, [id]);
    return { group, unsubscribes: counts.get(id) ?? 0 };
  }

  /** Changes a group; making it the default clears the default flag of every other group. */
  async update(tenantId: string, id: number, changes: GroupChanges): Promise<GroupWithCount> {
    await this.groups.manager.transaction(async (manager) => {
      await lockTenantGroups(manager, tenantId);
      const group = await this.findGroup(manager, tenantId, id);
      if (changes.name !== undefined && changes.name !== group.name) await checkNameFree(manager, tenantId, changes.name);
      if (changes.isDefault) await clearDefault(manager, tenantId);

      await manager.update(
        SuppressionGroupEntity,
        { tenantId, id },
        {
          name: changes.name ?? group.name,
          description: changes.description ?? group.description,
          isDefault: changes.isDefault ?? group.isDefault,
          updatedAt: this.clock.now(),
        },
      );
    });
    return this.get(tenantId, id);
  }

  /** Deletes a group and its unsubscribes, so its former members receive its mail again. */
  async remove(tenantId: string, id: number): Promise<void> {
    await this.groups.manager.transaction(async (manager) => {
      await this.findGroup(manager, tenantId, id);
      await manager.delete(GroupSuppressionEntity, { tenantId, groupId: id });
      await manager.delete(SuppressionGroupEntity, { tenantId, id });
    });
  }

  /** Returns the addresses that unsubscribed from a group, in the order they were added. */
  async listMembers(tenantId: string, id: number): Promise<string[]> {
    await this.findGroup(this.groups.manager, tenantId, id);
    const members = await this.members.find({ where: { tenantId, groupId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return members.map((member) => member.email);
  }

  /** Returns the addresses among `emails` that unsubscribed from a group, lowercase, once each, in the order given. */
  async searchMembers(tenantId: string, id: number, emails: string[]): Promise<string[]> {
    await this.findGroup(this.groups.manager, tenantId, id);
    const requested = [...new Set(emails.map((email) => email.trim().toLowerCase()))];
    const found = await this.members.find({ select: { email: true }, where: { tenantId, groupId: id, email: In(requested) } });
    const suppressed = new Set(found.map((member) => member.email));
    return requested.filter((email) => suppressed.has(email));
  }

  /** Returns every unsubscription from every group of the tenant, oldest first. */
  async listAllMembers(tenantId: string): Promise<GroupUnsubscription[]> {
    const groups = new Map((await this.groups.findBy({ tenantId })).map((group) => [group.id, group]));
    const members = await this.members.find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return members.flatMap((member) => {
      const group = groups.get(member.groupId);
      return group ? [{ email: member.email, group, createdAt: member.createdAt }] : [];
    });
  }

  /** Returns each group of the tenant, by id, with whether `email` unsubscribed from it. */
  async groupsOfAddress(tenantId: string, email: string): Promise<Array<{ group: SuppressionGroupEntity; suppressed: boolean }>> {
    const address = email.trim().toLowerCase();
    const groups = await this.groups.find({ where: { tenantId }, order: { id: 'ASC' } });
    const left = new Set((await this.members.find({ select: { groupId: true }, where: { tenantId, email: address } })).map((member) => member.groupId));
    return groups.map((group) => ({ group, suppressed: left.has(group.id) }));
  }

  /** Adds addresses to a group; returns every requested address, lowercase and once. */
  async addMembers(tenantId: string, id: number, emails: string[]): Promise<string[]> {
    await this.findGroup(this.groups.manager, tenantId, id);
    const unique = [...new Set(emails.map((email) => email.toLowerCase()))];
    const now = this.clock.now();
    await this.members
      .createQueryBuilder()
      .insert()
      .into(GroupSuppressionEntity)
      .values(unique.map((email) => ({ tenantId, groupId: id, email, createdAt: now })))
      .orIgnore()
      .updateEntity(false)
      .execute();
    return unique;
  }

  /** Removes one address from a group; 404 when the group or the address is not there. */
  async removeMember(tenantId: string, id: number, email: string): Promise<void> {
    await this.findGroup(this.groups.manager, tenantId, id);
    const address = email.trim().toLowerCase();
    const result = await this.members.delete({ tenantId, groupId: id, email: address });
    if (!result.affected) throw new ApiException(HttpStatus.NOT_FOUND, `${address} is not suppressed in group ${id}.`);
  }

  private async findGroup(manager: EntityManager, tenantId: string, id: number): Promise<SuppressionGroupEntity> {
    const group = await manager.findOneBy(SuppressionGroupEntity, { tenantId, id });
    if (!group) throw new ApiException(HttpStatus.NOT_FOUND, `Suppression group ${id} not found.`);
    return group;
  }

  private async countMembers(tenantId: string, ids: number[]): Promise<Map<number, number>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ groupId: number; count: string }> = await this.members
      .createQueryBuilder('member')
      .select('member.groupId', 'groupId')
      .addSelect('COUNT(*)', 'count')
      .where('member.tenantId = :tenantId', { tenantId })
      .andWhere('member.groupId IN (:...ids)', { ids })
      .groupBy('member.groupId')
      .getRawMany();
    return new Map(rows.map((row) => [Number(row.groupId), Number(row.count)]));
  }
}

/**
 * Serializes creating and changing the groups of one tenant until the transaction ends, so two
 * requests cannot both pass the default, limit or name checks. The advisory lock is
 * PostgreSQL's, as are the module's migrations.
 */
async function lockTenantGroups(manager: EntityManager, tenantId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`scaisend_suppression_groups:${tenantId}`]);
}

async function checkNameFree(manager: EntityManager, tenantId: string, name: string): Promise<void> {
  if (await manager.existsBy(SuppressionGroupEntity, { tenantId, name })) {
    throw new ApiException(HttpStatus.CONFLICT, `A suppression group named "${name}" already exists.`);
  }
}

async function clearDefault(manager: EntityManager, tenantId: string): Promise<void> {
  await manager.update(SuppressionGroupEntity, { tenantId, isDefault: true }, { isDefault: false });
}
