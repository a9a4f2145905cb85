import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds the preheader, the engine and the plain-text flag of template versions, an index for
 * listing templates, and a unique index that allows one active version per template.
 */
export class TemplatesEngine1764892800000 implements MigrationInterface {
  name = 'TemplatesEngine1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scaisend_template_versions" ADD "preheader" character varying(500) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "scaisend_template_versions" ADD "generate_plain_content" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "scaisend_template_versions" ADD "engine" character varying(16) NOT NULL DEFAULT 'handlebars'`);
    await queryRunner.query(`UPDATE "scaisend_template_versions" SET "engine" = 'legacy' WHERE "template_id" IN (SELECT "id" FROM "scaisend_templates" WHERE "generation" = 'legacy')`);
    await queryRunner.query(`CREATE INDEX "IDX_df866b5651bbdc55e0414ec91d" ON "scaisend_templates" ("tenant_id", "updated_at")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_3481c9fa58b8bac9df65e999b6" ON "scaisend_template_versions" ("template_id") WHERE active`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_3481c9fa58b8bac9df65e999b6"`);
    await queryRunner.query(`DROP INDEX "IDX_df866b5651bbdc55e0414ec91d"`);
    await queryRunner.query(`ALTER TABLE "scaisend_template_versions" DROP COLUMN "engine"`);
    await queryRunner.query(`ALTER TABLE "scaisend_template_versions" DROP COLUMN "generate_plain_content"`);
    await queryRunner.query(`ALTER TABLE "scaisend_template_versions" DROP COLUMN "preheader"`);
  }
}
