import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ScaiSendExceptionFilter } from '../lib/common/exception.filter.js';
import { configureScaiSendApp } from '../lib/index.js';

/** The package version, shown in the OpenAPI document. */
const SCAISEND_VERSION = '0.1.0';

/**
 * Installs ScaiSend's body parsers, responds to requests that match no route with an error in the
 * API's shape, and serves the Swagger UI at `/docs` (JSON at `/docs-json`).
 */
export function configureSampleApp(app: INestApplication): void {
  configureScaiSendApp(app);
  // Every route of the sample-app is ScaiSend's, so a path that matches none gets its 404 too.
  app.useGlobalFilters(new ScaiSendExceptionFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('ScaiSend').setDescription('SendGrid v3-compatible email API').setVersion(SCAISEND_VERSION).addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document);
}
