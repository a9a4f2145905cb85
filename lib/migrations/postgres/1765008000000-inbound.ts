import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds the received bounce and complaint reports whose events were recorded, to skip repeats. */
export class Inbound1765008000000 implements MigrationInterface {
  name = 'Inbound1765008000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "scaisend_recorded_reports" ("tenant_id" character varying(255) NOT NULL, "raw_sha256" character varying(64) NOT NULL, "message_id" character varying(64) NOT NULL, "kind" character varying(16) NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_acd617795f426b1628b68e961f1" PRIMARY KEY ("tenant_id", "raw_sha256"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scaisend_recorded_reports"`);
  }
}
