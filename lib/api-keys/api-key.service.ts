import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import { ApiException, notFound } from '../common/errors.js';
import { createId } from '../common/ids.js';
import { isPermission, Permission } from '../common/permissions.js';
import type { Principal } from '../common/principal.js';
import { CLOCK } from '../module/tokens.js';
import { ApiKeyEntity } from './api-key.entity.js';

const KEY_PATTERN = /^sg_(live|test)_[0-9a-f]{32}$/;

/** Refresh `last_used_at` at most this often, so sending does not write the key row every time. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreateApiKeyInput {
  name: string;
  environment: 'live' | 'test';
  scopes: string[];
  expiresAt: Date | null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('sg_live_') || token.startsWith('sg_test_');
}

/** Rejects unknown scopes (400) and scopes the principal does not hold itself (403). */
function checkGrantable(principal: Principal, scopes: string[]): void {
  const unknown = scopes.filter((scope) => !isPermission(scope));
  if (unknown.length > 0) throw new ApiException(HttpStatus.BAD_REQUEST, `Unknown scope: ${unknown.join(', ')}`);
  const notHeld = scopes.find((scope) => !principal.permissions.includes(scope as Permission));
  if (notHeld) throw new ApiException(HttpStatus.FORBIDDEN, `Cannot grant a scope you do not hold: ${notHeld}`);
}

/** Creates, lists and revokes API keys, and authenticates requests that carry one. */
@Injectable()
export class ApiKeyService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Creates a key; the returned `apiKey` is the only time the full key exists outside the caller. */
  async create(principal: Principal, input: CreateApiKeyInput): Promise<{ entity: ApiKeyEntity; apiKey: string }> {
    checkGrantable(principal, input.scopes);
    if (input.expiresAt && input.expiresAt <= this.clock.now()) {
      throw new ApiException(HttpStatus.BAD_REQUEST, [{ loc: ['body', 'expires_at'], msg: 'expires_at must be in the future', type: 'value_error' }]);
    }

    const apiKey = `sg_${input.environment}_${randomBytes(16).toString('hex')}`;
    const entity = this.keys.create({
      id: createId('key'),
      tenantId: principal.tenantId,
      name: input.name,
      keyHash: hashApiKey(apiKey),
      prefix: apiKey.slice(0, 16),
      environment: input.environment,
      scopes: [...new Set(input.scopes)],
      createdAt: this.clock.now(),
      lastUsedAt: null,
      expiresAt: input.expiresAt,
      revokedAt: null,
    });
    await this.keys.insert(entity);
    return { entity, apiKey };
  }

  list(tenantId: string, includeRevoked: boolean): Promise<ApiKeyEntity[]> {
    return this.keys.find({
      where: includeRevoked ? { tenantId } : { tenantId, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
  }

  async get(tenantId: string, id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findOneBy({ tenantId, id });
    if (!key) throw notFound('API key');
    return key;
  }

  async update(principal: Principal, id: string, changes: { name?: string; scopes?: string[] }): Promise<ApiKeyEntity> {
    const key = await this.get(principal.tenantId, id);
    if (changes.scopes) {
      checkGrantable(principal, changes.scopes);
      key.scopes = [...new Set(changes.scopes)];
    }
    if (changes.name !== undefined) key.name = changes.name;
    await this.keys.update({ tenantId: principal.tenantId, id }, { name: key.name, scopes: key.scopes });
    return key;
  }

  /** Revokes a key at once; revoking a revoked key changes nothing. */
  async revoke(tenantId: string, id: string): Promise<void> {
    const key = await this.get(tenantId, id);
    if (key.revokedAt) return;
    await this.keys.update({ tenantId, id }, { revokedAt: this.clock.now() });
  }

  /** Returns the principal of a valid, unrevoked, unexpired key, or null. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!KEY_PATTERN.test(token)) return null;

    const key = await this.keys.findOneBy({ keyHash: hashApiKey(token) });
    const now = this.clock.now();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;

    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.update({ id: key.id }, { lastUsedAt: now });
    }
    return {
      tenantId: key.tenantId,
      permissions: key.scopes.filter(isPermission),
      kind: 'api_key',
      apiKeyId: key.id,
      environment: key.environment,
    };
  }
}
