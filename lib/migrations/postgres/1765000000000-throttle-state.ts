import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds the throttling state of direct MX delivery, shared by every worker process: each recipient
 * domain's lowered limits and next send time, and the concurrency slots held by transactions.
 */
export class ThrottleState1765000000000 implements MigrationInterface {
  name = 'ThrottleState1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "scaisend_throttle_state" ("domain" character varying(253) NOT NULL, "concurrency" integer, "rate_per_minute" integer, "successes" integer NOT NULL DEFAULT '0', "decreased_at" TIMESTAMP WITH TIME ZONE, "next_send_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c38be88d21ddf37e195eaef31b6" PRIMARY KEY ("domain"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_13b2e40be0ea0ef41be1beb5e3" ON "scaisend_throttle_state" ("updated_at")`);
    await queryRunner.query(
      `CREATE TABLE "scaisend_throttle_slots" ("id" uuid NOT NULL, "domain" character varying(253) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_05a272d81df683441bc132b0818" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_d6343fdb5c263f7e8b3935f320" ON "scaisend_throttle_slots" ("domain", "expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_d6343fdb5c263f7e8b3935f320"`);
    await queryRunner.query(`DROP TABLE "scaisend_throttle_slots"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_13b2e40be0ea0ef41be1beb5e3"`);
    await queryRunner.query(`DROP TABLE "scaisend_throttle_state"`);
  }
}
