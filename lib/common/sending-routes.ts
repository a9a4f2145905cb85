/** Paths whose errors use SendGrid's `errors[]` shape and whose bodies may be up to 20 MB. */
export function isSendingRoute(path: string): boolean {
  return path === '/v3/mail/send' || path.startsWith('/v3/mail/batch');
}

/** The body limit of sending routes, as SendGrid documents it. */
export const SENDING_BODY_LIMIT = '20mb';

/** The body limit of every other route. */
export const DEFAULT_BODY_LIMIT = '1mb';
