import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { configureScaiSendApp } from '../lib/index.js';

/** Installs ScaiSend's body parsers and serves the Swagger UI at `/docs` (JSON at `/docs-json`). */
export function configureSampleApp(app: INestApplication): void {
  configureScaiSendApp(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('ScaiSend').setDescription('SendGrid v3-compatible email API').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document);
}
