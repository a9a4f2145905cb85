import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException } from '../common/errors.js';
import { CLOCK } from '../module/tokens.js';
import type { CsvSuppressionRow } from './suppression-csv.js';
import { SuppressionEntity, SuppressionList } from './suppression.entity.js';

/** Names of the lists in messages. */
const LIST_NAMES: Record<SuppressionList, string> = {
  bounce: 'bounce list',
  spam_report: 'spam report list',
  unsubscribe: 'global unsubscribe list',
  block: 'block list',
  invalid_email: 'invalid email list',
};

/** Rows per INSERT of an import, well under PostgreSQL's 65535 bind parameters per statement. */
const IMPORT_CHUNK_SIZE = 1000;

/** Filters and page of a list request; times are Unix seconds, both ends inclusive. */
export interface SuppressionListQuery {
  limit: number;
  offset: number;
  startTime?: number;
  endTime?: number;
  email?: string;
}

/** An entry added through the API. */
export interface SuppressionInput {
  email: string;
  reason: string | null;
  bounceType?: 'hard' | 'soft' | 'block' | null;
  status?: string | null;
}

/** Lists, adds, imports and deletes the entries of a tenant's suppression lists. */
@Injectable()
export class SuppressionListService {
  constructor(
    @InjectRepository(SuppressionEntity) private readonly suppressions: Repository<SuppressionEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns one page of a list, newest first, and the number of entries that match the filters. */
  async list(tenantId: string, list: SuppressionList, query: SuppressionListQuery): Promise<{ entries: SuppressionEntity[]; total: number }> {
    if (query.startTime !== undefined && query.endTime !== undefined && query.startTime > query.endTime) {
      throw new ApiException(HttpStatus.BAD_REQUEST, `start_time (${query.startTime}) is after end_time (${query.endTime}).`);
    }

    const builder = this.suppressions
      .createQueryBuilder('suppression')
      .where('suppression.tenantId = :tenantId', { tenantId })
      .andWhere('suppression.list = :list', { list });
    if (query.email !== undefined) builder.andWhere('suppression.email = :email', { email: query.email.trim().toLowerCase() });
    if (query.startTime !== undefined) builder.andWhere('suppression.createdAt >= :start', { start: new Date(query.startTime * 1000) });
    // `created` has second resolution in responses, so an inclusive end covers its whole second.
    if (query.endTime !== undefined) builder.andWhere('suppression.createdAt < :end', { end: new Date((query.endTime + 1) * 1000) });

    const [entries, total] = await builder
      .orderBy('suppression.createdAt', 'DESC')
      .addOrderBy('suppression.id', 'DESC')
      .offset(query.offset)
      .limit(query.limit)
      .getManyAndCount();
    return { entries, total };
  }

  /** Returns the entry of an address, or null. */
  find(tenantId: string, list: SuppressionList, email: string): Promise<SuppressionEntity | null> {
    return this.suppressions.findOneBy({ tenantId, list, email: email.trim().toLowerCase() });
  }

  /** Returns the entry of an address; 404 when the address is not on the list. */
  async get(tenantId: string, list: SuppressionList, email: string): Promise<SuppressionEntity> {
    const entry = await this.find(tenantId, list, email);
    if (!entry) throw notOnList(list, email);
    return entry;
  }

  /** Adds one address; 409 when it is already on the list, which keeps the existing entry. */
  async add(tenantId: string, list: SuppressionList, input: SuppressionInput): Promise<SuppressionEntity> {
    const entry = this.suppressions.create({
      tenantId,
      list,
      email: input.email.toLowerCase(),
      reason: input.reason,
      bounceType: input.bounceType ?? null,
      status: input.status ?? null,
      createdAt: this.clock.now(),
    });
    const inserted = await this.insertIgnoringDuplicates(this.suppressions.manager, [entry]);
    if (inserted === 0) throw new ApiException(HttpStatus.CONFLICT, `${entry.email} is already on the ${LIST_NAMES[list]}.`);
    return entry;
  }

  /** Adds addresses that are not on the list yet; returns every requested address, lowercase and once. */
  async addMany(tenantId: string, list: SuppressionList, emails: string[]): Promise<string[]> {
    const unique = [...new Set(emails.map((email) => email.toLowerCase()))];
    const now = this.clock.now();
    const entries = unique.map((email) => this.suppressions.create({ tenantId, list, email, reason: null, bounceType: null, status: null, createdAt: now }));
    await this.insertIgnoringDuplicates(this.suppressions.manager, entries);
    return unique;
  }

  /**
   * Adds imported rows in one transaction. Returns how many were added and how many were
   * skipped because the address was on the list already or earlier in the same file.
   */
  async importRows(tenantId: string, list: SuppressionList, rows: CsvSuppressionRow[], bounceType: 'hard' | null): Promise<{ imported: number; skipped: number }> {
    const firstOfEach = new Map<string, CsvSuppressionRow>();
    for (const row of rows) if (!firstOfEach.has(row.email)) firstOfEach.set(row.email, row);
    const now = this.clock.now();
    const entries = [...firstOfEach.values()].map((row) =>
      this.suppressions.create({ tenantId, list, email: row.email, reason: row.reason, bounceType, status: null, createdAt: now }),
    );

    const imported = await this.suppressions.manager.transaction(async (manager) => {
      let count = 0;
      for (let start = 0; start < entries.length; start += IMPORT_CHUNK_SIZE) {
        count += await this.insertIgnoringDuplicates(manager, entries.slice(start, start + IMPORT_CHUNK_SIZE));
      }
      return count;
    });
    return { imported, skipped: rows.length - imported };
  }

  /** Deletes one address; 404 when it is not on the list. */
  async remove(tenantId: string, list: SuppressionList, email: string): Promise<void> {
    const result = await this.suppressions.delete({ tenantId, list, email: email.trim().toLowerCase() });
    if (!result.affected) throw notOnList(list, email);
  }

  /** Deletes the given addresses; addresses that are not on the list are ignored. */
  async removeMany(tenantId: string, list: SuppressionList, emails: string[]): Promise<void> {
    if (emails.length === 0) return;
    await this.suppressions.delete({ tenantId, list, email: In(emails.map((email) => email.trim().toLowerCase())) });
  }

  /** Deletes every entry of the list. */
  async removeAll(tenantId: string, list: SuppressionList): Promise<void> {
    await this.suppressions.delete({ tenantId, list });
  }

  /** Inserts entries, skipping addresses already on their list; returns how many rows were added. */
  private async insertIgnoringDuplicates(manager: EntityManager, entries: SuppressionEntity[]): Promise<number> {
    if (entries.length === 0) return 0;
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(SuppressionEntity)
      .values(entries)
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    // ON CONFLICT DO NOTHING returns only the rows it inserted.
    return (result.raw as unknown[]).length;
  }
}

function notOnList(list: SuppressionList, email: string): ApiException {
  return new ApiException(HttpStatus.NOT_FOUND, `${email.trim().toLowerCase()} is not on the ${LIST_NAMES[list]}.`);
}
