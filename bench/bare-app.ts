import { Body, Controller, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { createId } from '../lib/common/ids.js';
import { configureScaiSendApp } from '../lib/index.js';

/**
 * Reference route for the send path: the same Express body parser and the same 202
 * `{message_id}` response as `POST /v3/mail/send`, with no authentication, validation, database or queue.
 */
@Controller('v3/mail')
class BareMailController {
  @Post('send')
  @HttpCode(202)
  // The body is bound with @Body() as MailController binds it, so parameter binding costs the same.
  send(@Body() _body: unknown): { message_id: string } {
    return { message_id: createId('msg') };
  }
}

@Module({ controllers: [BareMailController] })
class BareAppModule {}

/** Starts the bare app on 127.0.0.1 and returns it with its base URL. */
export async function startBareApp(): Promise<{ app: INestApplication; baseUrl: string }> {
  const app = await NestFactory.create(BareAppModule, { logger: ['error', 'warn'] });
  configureScaiSendApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}
