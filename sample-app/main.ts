import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config.js';
import { configureSampleApp } from './http-setup.js';
import { checkPostgres, checkRedis, StartupError } from './startup-checks.js';
import { releaseEmbeddedSignalHandlers, startEmbeddedPostgres } from './embedded-database.js';

const logger = new Logger('SampleApp');

async function bootstrap(): Promise<void> {
  const dataDir = resolve('data');
  mkdirSync(dataDir, { recursive: true });
  const config = loadConfig(process.env, dataDir);

  let databaseUrl = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    logger.log(`Starting the embedded PostgreSQL under ${dataDir}/postgres`);
    const embedded = await startEmbeddedPostgres(dataDir, (line) => logger.log(line.trim()));
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
    releaseEmbeddedSignalHandlers();
  }
  await checkPostgres(databaseUrl, config.databaseUrl ? 'SCAISEND_DATABASE_URL' : 'the embedded PostgreSQL');
  if (config.redisUrl) await checkRedis(config.redisUrl);

  const app = await NestFactory.create(AppModule.register({ ...config, databaseUrl }));
  configureSampleApp(app);
  // The application closes first, so running deliveries finish and record their outcomes, and the
  // embedded PostgreSQL stops after it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received; shutting down`);
      process.on('uncaughtException', (error) => logger.warn(`During shutdown: ${error.message}`));
      void shutdown(app, stopEmbedded).then(() => process.exit(0));
    });
  }

  await (config.host ? app.listen(config.port, config.host) : app.listen(config.port));
  logger.log(`ScaiSend listens on ${config.host ?? 'every interface'}, port ${config.port}; API docs at ${config.publicUrl}/docs`);
  logger.log(`Queues on ${config.redisUrl ? 'Redis' : 'PostgreSQL'}; mail ${config.smtpRelayUrl ? 'through the SMTP relay' : 'directly to each MX'}`);
}

/** Maximum wait for running deliveries when shutting down. A delivery cut off then is not resent. */
const CLOSE_TIMEOUT_MS = 60_000;

async function shutdown(app: INestApplication, stopEmbedded?: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn(`The application did not close within ${CLOSE_TIMEOUT_MS / 1000} s; stopping anyway`);
      resolve();
    }, CLOSE_TIMEOUT_MS);
  });
  try {
    await Promise.race([app.close(), timedOut]);
  } catch (error) {
    logger.error(`Closing the application failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  await stopEmbedded?.();
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    logger.error(error.message);
  } else {
    logger.error(`Start-up failed: ${(error as Error).message}`, (error as Error).stack);
  }
  process.exit(1);
});
