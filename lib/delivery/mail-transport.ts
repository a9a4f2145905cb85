import type { DeliveryResult } from './smtp-delivery.js';

/**
 * Hands one built message to SMTP and reports the reply for each envelope recipient. The default
 * is {@link SmtpDelivery} (relay or direct MX); a host may supply its own. Throw
 * `SmtpConnectionError` when no server could be reached, so the message is deferred.
 */
export interface MailTransport {
  send(raw: Buffer, envelope: { from: string; to: string[] }): Promise<DeliveryResult>;
  close(): Promise<void>;
}
