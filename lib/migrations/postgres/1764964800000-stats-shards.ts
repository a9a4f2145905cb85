import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Splits each daily counter into shards, so concurrent sends of one tenant update different rows. */
export class StatsShards1764964800000 implements MigrationInterface {
  name = 'StatsShards1764964800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_daily_stats" ADD "shard" smallint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "scaisend_daily_stats" DROP CONSTRAINT "PK_6dbf9a071795b3e0d45a27626a7"`);
    await queryRunner.query(
      `ALTER TABLE "scaisend_daily_stats" ADD CONSTRAINT "PK_c7993aa4b9de2019f8cdc5f55a1" PRIMARY KEY ("tenant_id", "day", "category", "metric", "shard")`,
    );
  }

  /** Folds the shards back into one row per counter before the column goes. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TEMPORARY TABLE "scaisend_daily_stats_sum" AS SELECT "tenant_id", "day", "category", "metric", SUM("count")::integer AS "count" FROM "scaisend_daily_stats" GROUP BY 1, 2, 3, 4`,
    );
    await queryRunner.query(`DELETE FROM "scaisend_daily_stats"`);
    await queryRunner.query(`ALTER TABLE "scaisend_daily_stats" DROP CONSTRAINT "PK_c7993aa4b9de2019f8cdc5f55a1"`);
    await queryRunner.query(`ALTER TABLE "scaisend_daily_stats" DROP COLUMN "shard"`);
    await queryRunner.query(`INSERT INTO "scaisend_daily_stats" ("tenant_id", "day", "category", "metric", "count") SELECT * FROM "scaisend_daily_stats_sum"`);
    await queryRunner.query(`DROP TABLE "scaisend_daily_stats_sum"`);
    await queryRunner.query(`ALTER TABLE "scaisend_daily_stats" ADD CONSTRAINT "PK_6dbf9a071795b3e0d45a27626a7" PRIMARY KEY ("tenant_id", "day", "category", "metric")`);
  }
}
