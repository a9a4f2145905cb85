import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { CLOCK } from '../module/tokens.js';
import { TenantEntity } from './tenant.entity.js';

/** Records tenants the first time a principal names them; the host owns tenancy itself. */
@Injectable()
export class TenantService {
  private readonly known = new Set<string>();

  constructor(
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async ensure(tenantId: string): Promise<void> {
    if (this.known.has(tenantId)) return;

    await this.tenants.createQueryBuilder().insert().values({ id: tenantId, createdAt: this.clock.now() }).orIgnore().execute();
    this.known.add(tenantId);
  }
}
