import { Inject, Injectable } from '@nestjs/common';
import { domainToASCII } from 'node:url';
import { domainOf } from '../common/email-address.js';
import type { MessageEntity } from '../messages/message.entity.js';
import type { ResolvedScaiSendOptions } from '../module/scaisend-options.interface.js';
import { RESOLVED_OPTIONS } from '../module/scaisend.module-definition.js';
import { applyTracking, TrackingUrls } from './html-tracking.js';
import { asmGroupOf, trackedRecipientIndex } from './tracked-recipient.js';
import { TrackingSettingsService } from './tracking-settings.service.js';
import { TrackingTokens } from './tracking-token.js';

/** Body and headers of a message with tracking applied, ready for `buildMime`. */
export interface TrackedMessage {
  html?: string;
  text?: string;
  /** The message's user headers, plus List-Unsubscribe and List-Unsubscribe-Post when they apply. */
  headers: Record<string, string>;
}

/** Prefix of the public tracking routes under `publicUrl`. */
export const TRACKING_PATH = 't';

/**
 * Applies open, click and subscription tracking to a message before its MIME is built, with the
 * tenant's defaults under the message's `tracking_settings`.
 */
@Injectable()
export class TrackingService {
  private readonly baseUrl: string;

  constructor(
    private readonly settings: TrackingSettingsService,
    private readonly tokens: TrackingTokens,
    @Inject(RESOLVED_OPTIONS) options: ResolvedScaiSendOptions,
  ) {
    this.baseUrl = `${options.publicUrl.replace(/\/+$/, '')}/${TRACKING_PATH}/`;
  }

  /**
   * Returns the tracked body and headers of `message` for `recipientEmail`, by default its first
   * recipient.
   *
   * One message is one personalization and is built once for all of its to, cc and bcc
   * addresses, so its tokens name a single recipient, the first `to` address, as SendGrid's one
   * message per personalization does. Opens, clicks and unsubscribes by the other recipients
   * are recorded for that address.
   */
  async prepare(message: MessageEntity, recipientEmail?: string): Promise<TrackedMessage> {
    const recipientIndex = trackedRecipientIndex(message, recipientEmail);
    if (recipientIndex === -1) {
      throw new Error(`${recipientEmail ?? 'The first recipient'} is not a recipient of message ${message.id}; its tracking cannot be prepared`);
    }

    const settings = await this.settings.effective(message.tenantId, message.trackingSettings ?? {});
    const unsubscribeToken = settings.subscription.enable || asmGroupOf(message) !== null ? this.tokens.issue('unsubscribe', message.id, recipientIndex) : null;
    const urls = this.urlsFor(message.id, recipientIndex, unsubscribeToken);

    const body = applyTracking({ html: message.content.html, text: message.content.text }, settings, urls);
    return {
      html: body.html ?? undefined,
      text: body.text ?? undefined,
      headers: unsubscribeToken ? this.withUnsubscribeHeaders(message, unsubscribeToken) : { ...message.headers },
    };
  }

  private urlsFor(messageId: string, recipientIndex: number, unsubscribeToken: string | null): TrackingUrls {
    return {
      ownPrefix: this.baseUrl,
      openPixel: `${this.baseUrl}o/${this.tokens.issue('open', messageId, recipientIndex)}.gif`,
      unsubscribe: unsubscribeToken ? `${this.baseUrl}u/${unsubscribeToken}` : null,
      click: (destination, linkIndex) => `${this.baseUrl}c/${this.tokens.issueClick(messageId, recipientIndex, linkIndex, destination)}?u=${encodeURIComponent(destination)}`,
    };
  }

  /**
   * Adds the RFC 8058 one-click header pair, with the RFC 2369 mailto alternative at the sender
   * domain, which is also the envelope sender's. A List-Unsubscribe header of the request wins.
   */
  private withUnsubscribeHeaders(message: MessageEntity, token: string): Record<string, string> {
    const headers = { ...message.headers };
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'list-unsubscribe')) return headers;

    // A request's List-Unsubscribe-Post without its List-Unsubscribe would name no URL, so ours replaces it.
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'list-unsubscribe-post') delete headers[name];
    }
    const domain = domainOf(message.fromEmail);
    headers['List-Unsubscribe'] = `<${this.baseUrl}u/${token}/one-click>, <mailto:unsubscribe+${token}@${domainToASCII(domain) || domain}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    return headers;
  }
}
