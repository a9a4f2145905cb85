import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SCAISEND_MIGRATIONS, ScaiSendModule } from '../lib/index.js';
import type { ScaiSendModuleOptions } from '../lib/index.js';
import type { SampleAppConfig } from './config.js';
import { JwtPrincipalResolver } from './jwt-principal.resolver.js';

/**
 * The standalone server: one PostgreSQL DataSource that runs ScaiSend's migrations, and
 * ScaiSend with its queues on Redis when `SCAISEND_REDIS_URL` is set, else on PostgreSQL.
 */
@Module({})
export class AppModule {
  static register(config: SampleAppConfig & { databaseUrl: string }, overrides: Partial<ScaiSendModuleOptions> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: config.databaseUrl,
          autoLoadEntities: true,
          migrations: SCAISEND_MIGRATIONS,
          migrationsRun: true,
          synchronize: false,
        }),
        ScaiSendModule.forRoot({
          queue: config.redis
            ? { redis: { ...config.redis, maxRetriesPerRequest: null } }
            : { postgres: { connectionString: config.databaseUrl, migrate: true } },
          secretKey: config.secretKey,
          publicUrl: config.publicUrl,
          smtpRelayUrl: config.smtpRelayUrl,
          mxPort: config.mxPort,
          dnsServers: config.dnsServers,
          spfMechanisms: config.spfMechanisms,
          webhookAllowPrivate: config.webhookAllowPrivate,
          deliveryRetryDelays: config.deliveryRetryDelays,
          webhookRetryDelays: config.webhookRetryDelays,
          principalResolver: new JwtPrincipalResolver({ secret: config.jwtSecret, jwksUrl: config.jwksUrl }),
          ...(config.returnPathMxHost ? { returnPath: { mxHost: config.returnPathMxHost } } : {}),
          ...(config.inboundSmtpPort !== undefined ? { inboundSmtp: { port: config.inboundSmtpPort, host: config.inboundSmtpHost } } : {}),
          ...overrides,
        }),
      ],
    };
  }
}
