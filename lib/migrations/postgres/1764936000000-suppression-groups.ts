import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds unsubscribe groups (one default per tenant), the addresses that left each group, and an
 * index for listing a suppression list by creation time.
 */
export class SuppressionGroups1764936000000 implements MigrationInterface {
  name = 'SuppressionGroups1764936000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "scaisend_suppression_groups" ("id" SERIAL NOT NULL, "tenant_id" character varying(255) NOT NULL, "name" character varying(30) NOT NULL, "description" character varying(100) NOT NULL, "is_default" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d2df9ed08b0079f06294bbd37d3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f6656a01345c4218569a63eb9a" ON "scaisend_suppression_groups" ("tenant_id", "name")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_038af1e5ec48427fa7aa9079f6" ON "scaisend_suppression_groups" ("tenant_id") WHERE is_default`);
    await queryRunner.query(
      `CREATE TABLE "scaisend_group_suppressions" ("id" SERIAL NOT NULL, "tenant_id" character varying(255) NOT NULL, "group_id" integer NOT NULL, "email" character varying(320) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5b748326292dfae0ce998888808" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_e066c7990bac5763336b3af8e0" ON "scaisend_group_suppressions" ("tenant_id", "group_id", "email")`);
    await queryRunner.query(`CREATE INDEX "IDX_10fdcf862cfbbc09781676542a" ON "scaisend_suppressions" ("tenant_id", "list", "created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_10fdcf862cfbbc09781676542a"`);
    await queryRunner.query(`DROP TABLE "scaisend_group_suppressions"`);
    await queryRunner.query(`DROP TABLE "scaisend_suppression_groups"`);
  }
}
