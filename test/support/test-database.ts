import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The system PostgreSQL that tests use; CI starts it on 127.0.0.1:5432 with trust authentication. */
export const TEST_POSTGRES_URL = process.env.SCAISEND_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of its own for one test suite, dropped by `drop()`. */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const name = `scaisend_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString());
  }

  async drop(): Promise<void> {
    await adminQuery(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
