import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates every ScaiSend table on PostgreSQL. */
export class CreateScaiSendTables1764806400000 implements MigrationInterface {
  name = 'CreateScaiSendTables1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"scaisend_api_keys\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"name\" character varying(255) NOT NULL, \"key_hash\" character varying(64) NOT NULL, \"prefix\" character varying(16) NOT NULL, \"environment\" character varying(8) NOT NULL, \"scopes\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_used_at\" TIMESTAMP WITH TIME ZONE, \"expires_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_53eb9d5c01af1a28a7d803406c4\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_fc9b0cf4144f9542a4d85b9a3a\" ON \"scaisend_api_keys\"  (\"key_hash\") ");
    await queryRunner.query("CREATE INDEX \"IDX_b5611a7d5247e0b191a94dd2ec\" ON \"scaisend_api_keys\"  (\"tenant_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_sender_domains\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"domain\" character varying(253) NOT NULL, \"dkim_selector\" character varying(63) NOT NULL, \"dkim_public_key\" text NOT NULL, \"dkim_private_key_sealed\" text NOT NULL, \"dmarc_policy\" character varying(16) NOT NULL, \"dmarc_rua_email\" character varying(254), \"spf_mechanisms\" character varying(512) NOT NULL, \"verified\" boolean NOT NULL DEFAULT false, \"record_status\" text NOT NULL DEFAULT '{}', \"verified_at\" TIMESTAMP WITH TIME ZONE, \"last_checked_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_2c2e8e3c335b787ad0f1ba074ff\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_a6fa5b6042a8f9acb4677b0342\" ON \"scaisend_sender_domains\"  (\"tenant_id\", \"domain\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_events\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"message_id\" character varying(64) NOT NULL, \"event_type\" character varying(32) NOT NULL, \"recipient_email\" character varying(320) NOT NULL, \"metadata\" text NOT NULL, \"occurred_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_30f6ede81f34435895a4cabb494\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_076500484bb3668da1953d822d\" ON \"scaisend_events\"  (\"tenant_id\", \"occurred_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_d032fc9a1d910884bb4a58984f\" ON \"scaisend_events\"  (\"message_id\", \"occurred_at\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_message_recipients\" (\"message_id\" character varying(64) NOT NULL, \"email\" character varying(320) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"kind\" character varying(3) NOT NULL, \"state\" character varying(16) NOT NULL DEFAULT 'pending', CONSTRAINT \"PK_c34b2bca9b81a482d31674f2ccf\" PRIMARY KEY (\"message_id\", \"email\"))");
    await queryRunner.query("CREATE INDEX \"IDX_9212f9c8d2bbe87bceca5fcb20\" ON \"scaisend_message_recipients\"  (\"tenant_id\", \"email\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_message_status_changes\" (\"id\" SERIAL NOT NULL, \"message_id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"status\" character varying(16) NOT NULL, \"changed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_9ece42e0f13598082e229398d57\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_abd04ab6d741e67e74356d879c\" ON \"scaisend_message_status_changes\"  (\"message_id\", \"changed_at\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_messages\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"api_key_id\" character varying(64), \"status\" character varying(16) NOT NULL, \"sandbox\" boolean NOT NULL DEFAULT false, \"from_email\" character varying(320) NOT NULL, \"from_name\" text, \"reply_to\" text, \"subject\" text, \"to\" text NOT NULL, \"cc\" text NOT NULL, \"bcc\" text NOT NULL, \"template_id\" character varying(64), \"content\" text NOT NULL, \"headers\" text NOT NULL, \"categories\" text NOT NULL, \"custom_args\" text NOT NULL, \"batch_id\" character varying(255), \"send_at\" TIMESTAMP WITH TIME ZONE, \"mail_settings\" text NOT NULL, \"tracking_settings\" text NOT NULL, \"outgoing_headers\" text, \"mime\" text, \"error_message\" text, \"attempts\" integer NOT NULL DEFAULT '0', \"lease_taken_at\" TIMESTAMP WITH TIME ZONE, \"next_attempt_at\" TIMESTAMP WITH TIME ZONE, \"delivered_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_bd92f87527bb44d589ba91792c1\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_6cdf7049ff5bebeff4374e01b3\" ON \"scaisend_messages\"  (\"status\", \"lease_taken_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_06f485bf56a9ad2b721cf4a830\" ON \"scaisend_messages\"  (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_9ced682ffd2500f2f6361c8444\" ON \"scaisend_messages\"  (\"tenant_id\", \"template_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_9fc24f54be46d0220d8f28c900\" ON \"scaisend_messages\"  (\"tenant_id\", \"batch_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_073211e881f847b948382b7c26\" ON \"scaisend_messages\"  (\"tenant_id\", \"from_email\") ");
    await queryRunner.query("CREATE INDEX \"IDX_0308c86737e6d5dd6496d9437f\" ON \"scaisend_messages\"  (\"tenant_id\", \"status\") ");
    await queryRunner.query("CREATE INDEX \"IDX_05a93913218f4025105ca4f529\" ON \"scaisend_messages\"  (\"tenant_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_daily_stats\" (\"tenant_id\" character varying(255) NOT NULL, \"day\" character varying(10) NOT NULL, \"category\" character varying(255) NOT NULL DEFAULT '', \"metric\" character varying(32) NOT NULL, \"count\" integer NOT NULL DEFAULT '0', CONSTRAINT \"PK_6dbf9a071795b3e0d45a27626a7\" PRIMARY KEY (\"tenant_id\", \"day\", \"category\", \"metric\"))");
    await queryRunner.query("CREATE TABLE \"scaisend_suppressions\" (\"id\" SERIAL NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"list\" character varying(16) NOT NULL, \"email\" character varying(320) NOT NULL, \"reason\" text, \"bounce_type\" character varying(8), \"status\" character varying(16), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_ffc670fac749581d4132b33e3e5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_e245a21c5e8324ac54dd6df585\" ON \"scaisend_suppressions\"  (\"tenant_id\", \"email\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_8178155e96a7089951fabfe460\" ON \"scaisend_suppressions\"  (\"tenant_id\", \"list\", \"email\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_template_versions\" (\"id\" character varying(64) NOT NULL, \"template_id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"name\" character varying(100) NOT NULL, \"subject\" character varying(1000) NOT NULL, \"html_content\" text NOT NULL DEFAULT '', \"plain_content\" text NOT NULL DEFAULT '', \"editor\" character varying(16) NOT NULL DEFAULT 'code', \"active\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_4890ba636f038ebaec3f39f1541\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_1fbfb44eede9fd3681e7d8f14c\" ON \"scaisend_template_versions\"  (\"template_id\", \"active\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_templates\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"name\" character varying(100) NOT NULL, \"generation\" character varying(16) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_30c5ad72f6588a2bb359688c514\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_88689079a1761d06fd1617c427\" ON \"scaisend_templates\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_tenants\" (\"id\" character varying(255) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_94f01753e541da352a4c86e57b2\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"scaisend_webhook_deliveries\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"endpoint_id\" character varying(64) NOT NULL, \"event_id\" character varying(64) NOT NULL, \"status\" character varying(16) NOT NULL DEFAULT 'pending', \"attempts\" text NOT NULL, \"next_attempt_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_0ae8265c06a24411fcde9aa9a1f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_f9ac4789674ab1dea996abf7d5\" ON \"scaisend_webhook_deliveries\"  (\"endpoint_id\", \"created_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_b6ad7f13e4054d0306f7777cd1\" ON \"scaisend_webhook_deliveries\"  (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("CREATE TABLE \"scaisend_webhook_endpoints\" (\"id\" character varying(64) NOT NULL, \"tenant_id\" character varying(255) NOT NULL, \"url\" character varying(2048) NOT NULL, \"enabled_events\" text NOT NULL, \"signing_secret_sealed\" text NOT NULL, \"enabled\" boolean NOT NULL DEFAULT true, \"failure_count\" integer NOT NULL DEFAULT '0', \"last_success_at\" TIMESTAMP WITH TIME ZONE, \"last_failure_at\" TIMESTAMP WITH TIME ZONE, \"disabled_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_787bd0357d738e1834cefa9451f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_efd11d58494246b0f692f3b42c\" ON \"scaisend_webhook_endpoints\"  (\"tenant_id\", \"created_at\") ");
  }

  /** Drops the tables, and with them their indexes. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scaisend_webhook_endpoints"`);
    await queryRunner.query(`DROP TABLE "scaisend_webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "scaisend_tenants"`);
    await queryRunner.query(`DROP TABLE "scaisend_templates"`);
    await queryRunner.query(`DROP TABLE "scaisend_template_versions"`);
    await queryRunner.query(`DROP TABLE "scaisend_suppressions"`);
    await queryRunner.query(`DROP TABLE "scaisend_daily_stats"`);
    await queryRunner.query(`DROP TABLE "scaisend_messages"`);
    await queryRunner.query(`DROP TABLE "scaisend_message_status_changes"`);
    await queryRunner.query(`DROP TABLE "scaisend_message_recipients"`);
    await queryRunner.query(`DROP TABLE "scaisend_events"`);
    await queryRunner.query(`DROP TABLE "scaisend_sender_domains"`);
    await queryRunner.query(`DROP TABLE "scaisend_api_keys"`);
  }
}
