import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { TestDatabase } from '../../test/support/test-database.js';
import type { MailSettings } from '../mail/mail-send.types.js';
import { SCAISEND_MIGRATIONS } from '../migrations/index.js';
import { SCAISEND_ENTITIES } from '../module/entities.js';
import { GroupSuppressionEntity } from './group-suppression.entity.js';
import { SuppressionEntity, type SuppressionList } from './suppression.entity.js';
import { SuppressionService } from './suppression.service.js';

const GROUP_ID = 7;
const OTHER_GROUP_ID = 8;

/** Every address of the fixture, one per case. */
const EMAILS = [
  'hard@example.com',
  'soft@example.com',
  'blocked-bounce@example.com',
  'spam@example.com',
  'unsub@example.com',
  'block@example.com',
  'invalid@example.com',
  'member@example.com',
  'other-member@example.com',
  'foreign@example.com',
  'clean@example.com',
];

describe('SuppressionService.dropReasons', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let service: SuppressionService;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: SCAISEND_ENTITIES, migrations: SCAISEND_MIGRATIONS });
    await dataSource.initialize();
    await dataSource.runMigrations();
    service = new SuppressionService(dataSource.getRepository(SuppressionEntity), dataSource.getRepository(GroupSuppressionEntity));

    const createdAt = new Date();
    const entry = (list: SuppressionList, email: string, bounceType: 'hard' | 'soft' | 'block' | null = null, tenantId = 'acme') => ({ tenantId, list, email, reason: null, bounceType, createdAt });
    await service.addIn(dataSource.manager, [
      entry('bounce', 'hard@example.com', 'hard'),
      entry('bounce', 'soft@example.com', 'soft'),
      entry('bounce', 'blocked-bounce@example.com', 'block'),
      entry('spam_report', 'spam@example.com'),
      entry('unsubscribe', 'unsub@example.com'),
      entry('unsubscribe', 'hard@example.com'),
      entry('block', 'block@example.com'),
      entry('invalid_email', 'invalid@example.com'),
      entry('unsubscribe', 'foreign@example.com', null, 'globex'),
    ]);
    await dataSource.getRepository(GroupSuppressionEntity).insert([
      { tenantId: 'acme', groupId: GROUP_ID, email: 'member@example.com', createdAt },
      { tenantId: 'acme', groupId: GROUP_ID, email: 'unsub@example.com', createdAt },
      { tenantId: 'acme', groupId: OTHER_GROUP_ID, email: 'other-member@example.com', createdAt },
      { tenantId: 'globex', groupId: GROUP_ID, email: 'clean@example.com', createdAt },
    ]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function reasons(settings: MailSettings, groupId?: number | null): Promise<Record<string, string>> {
    return Object.fromEntries(await service.dropReasons('acme', EMAILS, settings, groupId));
  }

  it('drops hard bounces, spam reports and global unsubscribes', async () => {
    expect(await reasons({})).toEqual({
      'hard@example.com': 'suppressed_bounce',
      'spam@example.com': 'suppressed_spam',
      'unsub@example.com': 'suppressed_unsubscribe',
    });
  });

  it('keeps the call shape without a group', async () => {
    expect(Object.fromEntries(await service.dropReasons('acme', ['unsub@example.com'], {}))).toEqual({ 'unsub@example.com': 'suppressed_unsubscribe' });
  });

  it('drops members of the send group only', async () => {
    const result = await reasons({}, GROUP_ID);

    expect(result['member@example.com']).toBe('suppressed_group');
    expect(result['other-member@example.com']).toBeUndefined();
    expect(result['unsub@example.com']).toBe('suppressed_unsubscribe');
  });

  it('ignores group members of another tenant', async () => {
    expect((await reasons({}, GROUP_ID))['clean@example.com']).toBeUndefined();
  });

  it('ignores entries of another tenant', async () => {
    expect((await reasons({}))['foreign@example.com']).toBeUndefined();
  });

  it('sends to record-only entries', async () => {
    const result = await reasons({}, GROUP_ID);

    for (const email of ['soft@example.com', 'blocked-bounce@example.com', 'block@example.com', 'invalid@example.com']) {
      expect(result[email]).toBeUndefined();
    }
  });

  it('bypasses both unsubscribe kinds', async () => {
    expect(await reasons({ bypass_unsubscribe_management: { enable: true } }, GROUP_ID)).toEqual({
      'hard@example.com': 'suppressed_bounce',
      'spam@example.com': 'suppressed_spam',
    });
  });

  it('bypasses bounces with bypass_bounce_management', async () => {
    const result = await reasons({ bypass_bounce_management: { enable: true } }, GROUP_ID);

    expect(result['hard@example.com']).toBe('suppressed_unsubscribe');
    expect(result['spam@example.com']).toBe('suppressed_spam');
    expect(result['member@example.com']).toBe('suppressed_group');
  });

  it('bypasses spam reports with bypass_spam_management', async () => {
    const result = await reasons({ bypass_spam_management: { enable: true } }, GROUP_ID);

    expect(result['spam@example.com']).toBeUndefined();
    expect(result['hard@example.com']).toBe('suppressed_bounce');
  });

  it('bypasses every list with bypass_list_management', async () => {
    expect(await reasons({ bypass_list_management: { enable: true } }, GROUP_ID)).toEqual({});
  });

  it('treats a disabled bypass as absent', async () => {
    expect(await reasons({ bypass_list_management: { enable: false }, bypass_unsubscribe_management: { enable: false } }, GROUP_ID)).toEqual(await reasons({}, GROUP_ID));
  });

  it('matches no group for an id outside the integer range', async () => {
    expect((await reasons({}, 2 ** 40))['member@example.com']).toBeUndefined();
  });

  it('returns nothing for no addresses', async () => {
    expect((await service.dropReasons('acme', [], {}, GROUP_ID)).size).toBe(0);
  });
});
