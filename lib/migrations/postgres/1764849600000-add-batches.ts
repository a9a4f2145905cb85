import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds batches of scheduled sends and keeps the `asm` and `ip_pool_name` of each message. */
export class AddBatches1764849600000 implements MigrationInterface {
  name = 'AddBatches1764849600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "scaisend_batches" ("id" character varying(255) NOT NULL, "tenant_id" character varying(255) NOT NULL, "state" character varying(8) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0e1147b6a75666db7a584a0e45e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_11d09dd4a96ba70357848d9d02" ON "scaisend_batches" ("tenant_id", "created_at")`);
    await queryRunner.query(`ALTER TABLE "scaisend_messages" ADD "asm" text`);
    await queryRunner.query(`ALTER TABLE "scaisend_messages" ADD "ip_pool_name" character varying(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_messages" DROP COLUMN "ip_pool_name"`);
    await queryRunner.query(`ALTER TABLE "scaisend_messages" DROP COLUMN "asm"`);
    await queryRunner.query(`DROP TABLE "scaisend_batches"`);
  }
}
