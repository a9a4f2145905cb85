import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { SCAISEND_ENTITIES, SCAISEND_MIGRATIONS } from '../lib/index.js';
import { TestDatabase } from './support/test-database.js';

describe('PostgreSQL migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await TestDatabase.create();
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: SCAISEND_ENTITIES, migrations: SCAISEND_MIGRATIONS });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function scaisendTables(): Promise<string[]> {
    const rows: Array<{ tablename: string }> = await dataSource.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'scaisend\\_%' ORDER BY tablename");
    return rows.map((row) => row.tablename);
  }

  it('create the schema the entities describe', async () => {
    await dataSource.runMigrations();

    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    expect(await scaisendTables()).toHaveLength(SCAISEND_ENTITIES.length);
  });

  it('revert cleanly', async () => {
    for (let count = 0; count < SCAISEND_MIGRATIONS.length; count++) await dataSource.undoLastMigration();

    expect(await scaisendTables()).toEqual([]);
  });
});
