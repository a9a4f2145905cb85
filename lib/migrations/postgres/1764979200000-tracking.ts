import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds tenants' tracking defaults and the first open and click of each recipient of a message,
 * which the `unique_opens` and `unique_clicks` counters count.
 */
export class Tracking1764979200000 implements MigrationInterface {
  name = 'Tracking1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "scaisend_tracking_settings" ("tenant_id" character varying(255) NOT NULL, "open_tracking_enabled" boolean NOT NULL, "click_tracking_enabled" boolean NOT NULL, "click_tracking_enable_text" boolean NOT NULL, "subscription_tracking_enabled" boolean NOT NULL, "ganalytics_enabled" boolean NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f884d18e0ff76866ae1867ef64d" PRIMARY KEY ("tenant_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "scaisend_first_engagements" ("message_id" character varying(64) NOT NULL, "recipient_email" character varying(320) NOT NULL, "kind" character varying(8) NOT NULL, "tenant_id" character varying(255) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_89213cf73f7eb5e3f8c34d7cc53" PRIMARY KEY ("message_id", "recipient_email", "kind"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scaisend_first_engagements"`);
    await queryRunner.query(`DROP TABLE "scaisend_tracking_settings"`);
  }
}
