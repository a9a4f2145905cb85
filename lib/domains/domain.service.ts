import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Clock } from '../common/clock.js';
import type { DnsResolver } from '../common/dns-resolver.js';
import { ApiException, notFound } from '../common/errors.js';
import { createId } from '../common/ids.js';
import type { SecretBox } from '../common/secret-box.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { CLOCK, DNS_RESOLVER, SECRET_BOX } from '../module/tokens.js';
import type { DkimSigningKey } from '../delivery/mime-builder.js';
import { returnPathRecords, verifyReturnPathRecords } from '../inbound/return-path-records.js';
import { generateDkimKeyPair } from './dkim-keys.js';
import { buildDnsRecords, DmarcPolicy, DnsRecord } from './dns-records.js';
import { verifyDnsRecords, VerificationError } from './domain-verifier.js';
import { SenderDomainEntity } from './sender-domain.entity.js';

export const DKIM_SELECTOR = 'scaisend';

/** How long a verified domain's signing key stays cached in one process. */
const SIGNING_KEY_TTL_MS = 60_000;

/** Sender domains: DKIM keys, the DNS records to publish, and their verification. */
@Injectable()
export class DomainService {
  private readonly logger = new Logger(DomainService.name);
  private readonly signingKeys = new Map<string, { key: DkimSigningKey; expiresAt: number }>();

  constructor(
    @InjectRepository(SenderDomainEntity) private readonly domains: Repository<SenderDomainEntity>,
    @Inject(DNS_RESOLVER) private readonly resolver: DnsResolver,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedScaiSendOptions,
  ) {}

  async create(tenantId: string, input: { domain: string; dmarcPolicy: DmarcPolicy; dmarcRuaEmail: string | null }): Promise<SenderDomainEntity> {
    const domain = input.domain.toLowerCase().replace(/\.$/, '');
    if (await this.domains.existsBy({ tenantId, domain })) {
      throw new ApiException(HttpStatus.CONFLICT, `The domain ${domain} already exists`);
    }

    const keys = await generateDkimKeyPair();
    const entity = this.domains.create({
      id: createId('dom'),
      tenantId,
      domain,
      dkimSelector: DKIM_SELECTOR,
      dkimPublicKey: keys.publicKeyBase64,
      dkimPrivateKeySealed: this.secrets.seal(keys.privateKeyPem),
      nextDkimSelector: null,
      nextDkimPublicKey: null,
      nextDkimPrivateKeySealed: null,
      dmarcPolicy: input.dmarcPolicy,
      dmarcRuaEmail: input.dmarcRuaEmail,
      spfMechanisms: this.options.spfMechanisms,
      verified: false,
      recordStatus: {},
      verifiedAt: null,
      lastCheckedAt: null,
      createdAt: this.clock.now(),
    });
    await this.domains.insert(entity);
    this.logger.log(`Sender domain ${entity.id} created for tenant ${tenantId}`);
    return entity;
  }

  list(tenantId: string): Promise<SenderDomainEntity[]> {
    return this.domains.find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  async get(tenantId: string, id: string): Promise<SenderDomainEntity> {
    const domain = await this.domains.findOneBy({ tenantId, id });
    if (!domain) throw notFound('Domain');
    return domain;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.get(tenantId, id);
    await this.domains.delete({ tenantId, id });
    this.signingKeys.clear();
  }

  /** The records to publish: DKIM, SPF, DMARC, a rotation's new DKIM record, and the return path's. */
  records(domain: SenderDomainEntity): DnsRecord[] {
    const next = this.nextDkimRecord(domain);
    return [...this.currentRecords(domain), ...(next ? [next] : []), ...this.returnPathRecordsOf(domain)];
  }

  /** Checks that the tenant's verified domain of this name also has its return-path records in place. */
  async returnPathVerified(tenantId: string, domainName: string): Promise<boolean> {
    return (await this.findVerified(tenantId, domainName))?.recordStatus.return_path === true;
  }

  private returnPathRecordsOf(domain: SenderDomainEntity): DnsRecord[] {
    return this.options.returnPath ? returnPathRecords(domain.domain, this.options.returnPath.mxHost, domain.spfMechanisms) : [];
  }

  /**
   * Starts a DKIM key rotation: a new RSA-2048 key under the other selector (`scaisend2`, then
   * `scaisend` again) is added to the records to publish. Signing keeps the current key until a
   * verification finds the new record, then switches to it.
   */
  async rotateDkim(tenantId: string, id: string): Promise<SenderDomainEntity> {
    const domain = await this.get(tenantId, id);
    const keys = await generateDkimKeyPair();
    domain.nextDkimSelector = domain.dkimSelector === DKIM_SELECTOR ? `${DKIM_SELECTOR}2` : DKIM_SELECTOR;
    domain.nextDkimPublicKey = keys.publicKeyBase64;
    domain.nextDkimPrivateKeySealed = this.secrets.seal(keys.privateKeyPem);
    await this.domains.update(
      { tenantId, id },
      { nextDkimSelector: domain.nextDkimSelector, nextDkimPublicKey: domain.nextDkimPublicKey, nextDkimPrivateKeySealed: domain.nextDkimPrivateKeySealed },
    );
    this.logger.log(`Sender domain ${id}: DKIM rotation to selector ${domain.nextDkimSelector} started`);
    return domain;
  }

  private currentRecords(domain: SenderDomainEntity): DnsRecord[] {
    return buildDnsRecords({
      domain: domain.domain,
      selector: domain.dkimSelector,
      publicKeyBase64: domain.dkimPublicKey,
      spfMechanisms: domain.spfMechanisms,
      dmarcPolicy: domain.dmarcPolicy,
      dmarcRuaEmail: domain.dmarcRuaEmail,
    });
  }

  private nextDkimRecord(domain: SenderDomainEntity): DnsRecord | null {
    if (!domain.nextDkimSelector || !domain.nextDkimPublicKey) return null;
    return { type: 'TXT', host: `${domain.nextDkimSelector}._domainkey.${domain.domain}`, value: `v=DKIM1; k=rsa; p=${domain.nextDkimPublicKey}`, purpose: 'dkim' };
  }

  /**
   * Looks the records up over DNS and stores the outcome; calling it again is harmless. A
   * rotation's new DKIM record that verifies becomes the signing key.
   */
  async verify(tenantId: string, id: string): Promise<{ domain: SenderDomainEntity; errors: VerificationError[] }> {
    const domain = await this.get(tenantId, id);
    const rotated = await this.completeRotation(domain);
    const result = await verifyDnsRecords(this.currentRecords(domain), this.resolver);
    // The return path is optional for live sends: without it mail keeps the From address as its envelope sender.
    const returnPath = await verifyReturnPathRecords(this.returnPathRecordsOf(domain), this.resolver);
    const now = this.clock.now();

    domain.verified = result.verified;
    domain.recordStatus = { ...result.valid, ...returnPath.valid } as Record<string, boolean>;
    domain.lastCheckedAt = now;
    domain.verifiedAt = result.verified ? (domain.verifiedAt ?? now) : null;
    await this.domains.update({ tenantId, id }, { verified: domain.verified, recordStatus: domain.recordStatus, lastCheckedAt: now, verifiedAt: domain.verifiedAt });
    this.signingKeys.clear();
    this.logger.log(`Sender domain ${id} checked: ${result.verified ? 'verified' : `${result.errors.length} records failing`}`);
    return { domain, errors: [...result.errors, ...rotated.errors, ...returnPath.errors] };
  }

  /** Switches signing to a rotation's key once its record is published; returns that record's errors otherwise. */
  private async completeRotation(domain: SenderDomainEntity): Promise<{ errors: VerificationError[] }> {
    const next = this.nextDkimRecord(domain);
    if (!next || !domain.nextDkimPrivateKeySealed) return { errors: [] };

    const result = await verifyDnsRecords([next], this.resolver);
    if (!result.verified) return { errors: result.errors };

    const switched = {
      dkimSelector: next.host.slice(0, next.host.indexOf('._domainkey.')),
      dkimPublicKey: domain.nextDkimPublicKey as string,
      dkimPrivateKeySealed: domain.nextDkimPrivateKeySealed,
      nextDkimSelector: null,
      nextDkimPublicKey: null,
      nextDkimPrivateKeySealed: null,
    };
    await this.domains.update({ tenantId: domain.tenantId, id: domain.id }, switched);
    Object.assign(domain, switched);
    this.logger.log(`Sender domain ${domain.id}: signing switched to DKIM selector ${switched.dkimSelector}`);
    return { errors: [] };
  }

  /** Finds the tenant's verified domain of exactly this name (subdomains are not covered), or null. */
  findVerified(tenantId: string, domainName: string): Promise<SenderDomainEntity | null> {
    return this.domains.findOneBy({ tenantId, domain: domainName.toLowerCase(), verified: true });
  }

  /** Returns the DKIM key to sign mail from this domain, verified or not, or null when the tenant has no such domain. */
  async signingKey(tenantId: string, domainName: string): Promise<DkimSigningKey | null> {
    return this.toSigningKey(await this.domains.findOneBy({ tenantId, domain: domainName.toLowerCase() }));
  }

  /**
   * Returns the DKIM key of the tenant's verified domain of this name, or null when it is not
   * verified (any more). Keys are cached for {@link SIGNING_KEY_TTL_MS} so delivery does not read
   * and decrypt the key for every message; changes made in another process show after that time.
   */
  async verifiedSigningKey(tenantId: string, domainName: string): Promise<DkimSigningKey | null> {
    const cacheKey = `${tenantId}\u0000${domainName.toLowerCase()}`;
    const cached = this.signingKeys.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.key;

    // Only keys are cached: a domain verified by another process must work at once.
    const key = this.toSigningKey(await this.findVerified(tenantId, domainName));
    if (key) this.signingKeys.set(cacheKey, { key, expiresAt: Date.now() + SIGNING_KEY_TTL_MS });
    return key;
  }

  private toSigningKey(domain: SenderDomainEntity | null): DkimSigningKey | null {
    if (!domain) return null;
    return { domainName: domain.domain, keySelector: domain.dkimSelector, privateKey: this.secrets.open(domain.dkimPrivateKeySealed) };
  }
}
