import { Body, Controller, Get, Header, HttpCode, Param, Post, UseFilters, UseInterceptors, UsePipes } from '@nestjs/common';
import { NoFilesInterceptor } from '@nestjs/platform-express';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createBodyValidationPipe } from '../common/body-validation.pipe.js';
import { ScaiSendExceptionFilter } from '../common/exception.filter.js';
import { TRACKING_PATH } from './tracking.service.js';
import { OneClickUnsubscribeDto, UnsubscribeFormDto } from './unsubscribe.dto.js';
import { UnsubscribeService } from './unsubscribe.service.js';

const HTML = 'text/html; charset=utf-8';

/**
 * The public unsubscribe page and the RFC 8058 one-click target. The token in the path is the
 * only credential, so no request here needs authentication. A GET never changes anything,
 * because link scanners fetch URLs in mail.
 */
@Controller(`${TRACKING_PATH}/u`)
@ApiTags('Tracking')
@UsePipes(createBodyValidationPipe())
@UseFilters(ScaiSendExceptionFilter)
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':token')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  @ApiOperation({ summary: 'Show the unsubscribe page; 404 for an invalid token' })
  @ApiOkResponse({ description: 'The unsubscribe page (HTML)' })
  page(@Param('token') token: string): Promise<string> {
    return this.unsubscribes.page(token);
  }

  @Post(':token')
  @HttpCode(200)
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Unsubscribe from all mail, or leave or rejoin an unsubscribe group; shows the page again' })
  @ApiOkResponse({ description: 'The unsubscribe page with the outcome (HTML)' })
  act(@Param('token') token: string, @Body() body: UnsubscribeFormDto): Promise<string> {
    return this.unsubscribes.act(token, body.action, body.group_id);
  }

  @Get(':token/one-click')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  @ApiOperation({ summary: 'Show the unsubscribe page to a reader who opened the one-click URL in a browser' })
  @ApiOkResponse({ description: 'The unsubscribe page (HTML)' })
  oneClickPage(@Param('token') token: string): Promise<string> {
    return this.unsubscribes.page(token);
  }

  @Post(':token/one-click')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  // RFC 8058 section 3.1 has clients send multipart/form-data, or else a urlencoded form.
  @UseInterceptors(NoFilesInterceptor({ limits: { fields: 10, fieldSize: 1024, parts: 10 } }))
  @ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data')
  @ApiOperation({ summary: 'RFC 8058 one-click unsubscribe from all mail; the body is List-Unsubscribe=One-Click' })
  @ApiOkResponse({ description: 'Unsubscribed' })
  async oneClick(@Param('token') token: string, @Body() _body: OneClickUnsubscribeDto): Promise<string> {
    await this.unsubscribes.oneClick(token);
    return 'Unsubscribed.\n';
  }
}
