import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ScaiSendExceptionFilter } from '../common/exception.filter.js';
import { EngagementRecorder, TrackingClient } from './engagement.recorder.js';
import { TRACKING_PATH } from './tracking.service.js';

/** A transparent 1x1 GIF, 43 bytes. */
const OPEN_PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Asks browsers, mail clients and proxies to fetch the pixel again on every view. */
const NO_CACHE_HEADERS = {
  'Cache-Control': 'no-cache, no-store, must-revalidate, private, max-age=0',
  Pragma: 'no-cache',
  Expires: '0',
};

/** Returns who made a tracking request; the IP is Express's `request.ip`, which follows the host's `trust proxy` setting. */
export function trackingClientOf(request: Request): TrackingClient {
  return { method: request.method, userAgent: request.headers['user-agent'] ?? null, ip: request.ip ?? null };
}

/** The public open pixel and click redirect; recipients' mail clients call them without credentials. */
@Controller(TRACKING_PATH)
@ApiTags('Tracking')
@UseFilters(ScaiSendExceptionFilter)
export class TrackingController {
  constructor(private readonly engagements: EngagementRecorder) {}

  @Get('o/:token.gif')
  @ApiOperation({ summary: 'Serve the open pixel and record an open; every token gets the same GIF' })
  @ApiOkResponse({ description: 'A 1x1 transparent GIF' })
  async open(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.engagements.open(token, trackingClientOf(request));
    response.status(200).set({ ...NO_CACHE_HEADERS, 'Content-Type': 'image/gif' }).end(OPEN_PIXEL);
  }

  @Get('c/:token')
  @ApiOperation({ summary: 'Record a click and redirect to the link; 404 for an invalid token, 400 when u is not the signed URL' })
  @ApiFoundResponse({ description: 'Redirect to the original link' })
  async click(@Param('token') token: string, @Query('u') url: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const destination = await this.engagements.click(token, url, trackingClientOf(request));
    response.set('Cache-Control', 'no-store').redirect(302, destination);
  }
}
