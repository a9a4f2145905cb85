import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds the key of a DKIM rotation in progress to sender domains. */
export class DkimRotation1764957600000 implements MigrationInterface {
  name = 'DkimRotation1764957600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_sender_domains" ADD "next_dkim_selector" character varying(63)`);
    await queryRunner.query(`ALTER TABLE "scaisend_sender_domains" ADD "next_dkim_public_key" text`);
    await queryRunner.query(`ALTER TABLE "scaisend_sender_domains" ADD "next_dkim_private_key_sealed" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_sender_domains" DROP COLUMN "next_dkim_private_key_sealed"`);
    await queryRunner.query(`ALTER TABLE "scaisend_sender_domains" DROP COLUMN "next_dkim_public_key"`);
    await queryRunner.query(`ALTER TABLE "scaisend_sender_domains" DROP COLUMN "next_dkim_selector"`);
  }
}
