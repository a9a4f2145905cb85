import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds the count of attempts that the module's own throttle held back, which the retry schedule skips. */
export class HeldAttempts1765016000000 implements MigrationInterface {
  name = 'HeldAttempts1765016000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_messages" ADD "held_attempts" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_messages" DROP COLUMN "held_attempts"`);
  }
}
