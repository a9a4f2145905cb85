/** Subject, text and HTML of every benchmark message, a short receipt: 431 bytes of text and 600 of HTML. */
export const BENCH_SUBJECT = 'Your receipt for order 48213';

export const BENCH_TEXT = [
  'Hello,',
  '',
  'thank you for your order 48213. We have received your payment of 42.00 EUR and will ship',
  'the items below within two working days. You will get a second message with the tracking',
  'number as soon as the parcel leaves our warehouse.',
  '',
  '  1 x Notebook, dotted, A5        12.00 EUR',
  '  2 x Fountain pen cartridges       6.00 EUR',
  '  1 x Desk lamp, warm white        24.00 EUR',
  '',
  'Questions? Reply to this message and a person will answer.',
].join('\n');

export const BENCH_HTML =
  '<!doctype html><html><body style="font-family:sans-serif">' +
  '<p>Hello,</p>' +
  '<p>thank you for your order <strong>48213</strong>. We have received your payment of 42.00 EUR and will ship ' +
  'the items below within two working days. You will get a second message with the tracking number as soon as ' +
  'the parcel leaves our warehouse.</p>' +
  '<table><tr><td>1 x Notebook, dotted, A5</td><td>12.00 EUR</td></tr>' +
  '<tr><td>2 x Fountain pen cartridges</td><td>6.00 EUR</td></tr>' +
  '<tr><td>1 x Desk lamp, warm white</td><td>24.00 EUR</td></tr></table>' +
  '<p>Questions? Reply to this message and a person will answer.</p></body></html>';

/** Builds a SendGrid v3 send body with one personalization per address in `to`. */
export function sendBody(fromEmail: string, to: string[]): Record<string, unknown> {
  return {
    personalizations: to.map((email) => ({ to: [{ email }] })),
    from: { email: fromEmail, name: 'Bench Shop' },
    subject: BENCH_SUBJECT,
    content: [
      { type: 'text/plain', value: BENCH_TEXT },
      { type: 'text/html', value: BENCH_HTML },
    ],
  };
}
