import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds the request counters of the rate limits, for hosts whose queues run on PostgreSQL. The table
 * is unlogged: counters of a few seconds need no crash safety, and they cost no WAL writes.
 */
export class RateLimits1765024000000 implements MigrationInterface {
  name = 'RateLimits1765024000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "scaisend_rate_limits" ("key" text NOT NULL, "reset_at" TIMESTAMP WITH TIME ZONE NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_08854e681f008542e19db46ce71" PRIMARY KEY ("key", "reset_at"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_374da60da80341f1c0dc39c4dc" ON "scaisend_rate_limits" ("reset_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_374da60da80341f1c0dc39c4dc"`);
    await queryRunner.query(`DROP TABLE "scaisend_rate_limits"`);
  }
}
