import { parseInboundMessage } from './bounce-parser.js';

/** Joins lines with CRLF, as mail arrives over SMTP. */
const crlf = (...lines: string[]): string => lines.join('\r\n');

const ORIGINAL_HEADERS = [
  'From: Shop <orders@shop.example>',
  'To: alice@example.org',
  'Subject: Your order',
  'Message-ID: <msg_01HX7Y@shop.example>',
  'X-ScaiSend-Message-Id: msg_01HX7Y',
];

const POSTFIX_DSN = crlf(
  'Return-Path: <>',
  'Delivered-To: bounces+msg_01HX7Y.a1b2=example.org@bounce.shop.example',
  'From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)',
  'To: bounces+msg_01HX7Y.a1b2=example.org@bounce.shop.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Auto-Submitted: auto-replied',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
  '',
  '--B1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  '<alice@example.org>: host mx.example.org[192.0.2.10] said: 550 5.1.1',
  '    <alice@example.org>: Recipient address rejected: User unknown in local',
  '    recipient table (in reply to RCPT TO command)',
  '',
  '--B1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.shop.example',
  '',
  'Final-Recipient: rfc822; Alice@Example.org',
  'Original-Recipient: rfc822; alice@example.org',
  'Action: failed',
  'Status: 5.1.1',
  'Remote-MTA: dns; mx.example.org',
  'Diagnostic-Code: smtp; 550 5.1.1 <alice@example.org>: Recipient address',
  '    rejected: User unknown in local recipient table',
  '',
  '--B1',
  'Content-Type: message/rfc822',
  '',
  ...ORIGINAL_HEADERS,
  '',
  'Thank you for your order.',
  '',
  '--B1--',
  '',
);

const MIXED_DSN = crlf(
  'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.shop.example>',
  'To: <bounces+tok42@bounce.shop.example>',
  'Subject: Returned mail: see transcript for details',
  'Auto-Submitted: auto-generated (failure)',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B2"',
  '',
  '--B2',
  'Content-Type: text/plain',
  '',
  'The original message was received at Mon, 1 Jun 2026 10:00:00 +0000',
  '',
  '--B2',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.shop.example',
  '',
  'Final-Recipient: RFC822; bob@example.net',
  'Action: failed',
  'Status: 5.2.2',
  'Diagnostic-Code: SMTP; 552 5.2.2 <bob@example.net>... Mailbox full',
  '',
  'Final-Recipient: RFC822; carol@example.com',
  'Action: delayed',
  'Status: 4.4.1',
  'Diagnostic-Code: SMTP; 421 4.4.1 Connection timed out',
  '',
  'Final-Recipient: RFC822; dave@example.com',
  'Action: relayed',
  'Status: 2.0.0',
  '',
  'Final-Recipient: RFC822; erin@example.com',
  'Action: failed',
  'Status: 5.7.1',
  'Diagnostic-Code: SMTP; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
  '',
  '--B2',
  'Content-Type: text/rfc822-headers',
  '',
  ...ORIGINAL_HEADERS,
  '',
  '--B2--',
  '',
);

const SUCCESS_DSN = crlf(
  'From: MAILER-DAEMON@mx.example.org',
  'To: bounces+tok7@bounce.shop.example',
  'Subject: Successful Mail Delivery Report',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B3"',
  '',
  '--B3',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.example.org',
  '',
  'Final-Recipient: rfc822; alice@example.org',
  'Action: delivered',
  'Status: 2.0.0',
  'Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 4C1B2D3E4F',
  '',
  '--B3--',
  '',
);

const ARF = crlf(
  'From: <staff@fbl.example.net>',
  'To: <fbl@shop.example>',
  'Subject: FW: Your order',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=feedback-report; boundary="B4"',
  '',
  '--B4',
  'Content-Type: text/plain',
  '',
  'This is an email abuse report for an email message received from IP 192.0.2.1.',
  '',
  '--B4',
  'Content-Type: message/feedback-report',
  '',
  'Feedback-Type: abuse',
  'User-Agent: ExampleFBL/1.0',
  'Version: 1',
  'Original-Mail-From: <bounces+msg_01HX7Y.a1b2=example.org@bounce.shop.example>',
  'Original-Rcpt-To: <Alice@example.org>',
  '',
  '--B4',
  'Content-Type: message/rfc822',
  '',
  ...ORIGINAL_HEADERS,
  '',
  'Thank you for your order.',
  '',
  '--B4--',
  '',
);

const EXIM_BOUNCE = crlf(
  'Return-path: <>',
  'Envelope-to: bounces+tok-exim@bounce.shop.example',
  'From: Mail Delivery System <Mailer-Daemon@mx.shop.example>',
  'To: bounces+tok-exim@bounce.shop.example',
  'Subject: Mail delivery failed: returning message to sender',
  'X-Failed-Recipients: frank@example.com',
  '',
  'This message was created automatically by mail delivery software.',
  '',
  'A message that you sent could not be delivered to one or more of its',
  'recipients. This is a permanent error. The following address(es) failed:',
  '',
  '  frank@example.com',
  '    SMTP error from remote mail server after RCPT TO:<frank@example.com>:',
  '    host mx.example.com [192.0.2.20]: 550 5.1.1 <frank@example.com>: No such user',
  '',
  '------ This is a copy of the message, including all the headers. ------',
  '',
  'From: Shop <orders@shop.example>',
  'To: frank@example.com',
  'Message-ID: <msg_02ABC@shop.example>',
  'X-ScaiSend-Message-Id: msg_02ABC',
  '',
  'Hello.',
  '',
);

/** Builds a DSN for alice@example.org with the given human-readable text and per-recipient fields. */
function dsnFor(text: string[], fields: string[]): string {
  return crlf(
    'From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)',
    'To: bounces+tok7@bounce.shop.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B7"',
    '',
    '--B7',
    'Content-Type: text/plain',
    '',
    ...text,
    '',
    '--B7',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.shop.example',
    '',
    'Final-Recipient: rfc822; alice@example.org',
    'Action: failed',
    ...fields,
    '',
    '--B7--',
    '',
  );
}

/** Builds a Sendmail bounce in plain text, as Sendmail sends it without a delivery-status part. */
function sendmailBounce(lines: string[]): string {
  return crlf(
    'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.shop.example>',
    'To: bounces+tok8@bounce.shop.example',
    'Subject: Returned mail: see transcript for details',
    '',
    ...lines,
    '',
    '   ----- Unsent message follows -----',
    ...ORIGINAL_HEADERS,
    '',
  );
}

function autoReply(headers: string[]): string {
  return crlf('From: Alice <alice@example.org>', 'To: bounces+tok9@bounce.shop.example', ...headers, '', 'I am out of the office until Monday.', '');
}

describe('parseInboundMessage', () => {
  it('reads a failed recipient of a standard DSN', async () => {
    const report = await parseInboundMessage(POSTFIX_DSN);

    expect(report.kind).toBe('dsn');
    expect(report.recipients).toEqual([
      {
        email: 'alice@example.org',
        status: '5.1.1',
        category: 'hard',
        reason: 'mailbox_unknown',
        action: 'failed',
        diagnostic: '550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown in local recipient table',
        remoteMta: 'mx.example.org',
      },
    ]);
    expect(report.delayed).toEqual([]);
  });

  it('finds the references of a DSN', async () => {
    const report = await parseInboundMessage(POSTFIX_DSN);

    expect(report.references).toEqual({ verpToken: 'msg_01HX7Y.a1b2=example.org', scaisendMessageId: 'msg_01HX7Y', messageIds: ['msg_01HX7Y@shop.example'] });
  });

  it('parses LF and CRLF input alike', async () => {
    const withCrlf = await parseInboundMessage(Buffer.from(POSTFIX_DSN));
    const withLf = await parseInboundMessage(POSTFIX_DSN.replace(/\r\n/g, '\n'));

    expect(withLf).toEqual(withCrlf);
  });

  it('splits failed, delayed and relayed recipients', async () => {
    const report = await parseInboundMessage(MIXED_DSN);

    expect(report.recipients.map(({ email, status, category }) => ({ email, status, category }))).toEqual([
      { email: 'bob@example.net', status: '5.2.2', category: 'soft' },
      { email: 'erin@example.com', status: '5.7.1', category: 'block' },
    ]);
    expect(report.delayed.map(({ email, status, category, action }) => ({ email, status, category, action }))).toEqual([
      { email: 'carol@example.com', status: '4.4.1', category: 'soft', action: 'delayed' },
    ]);
  });

  it('reads references from returned headers only', async () => {
    const report = await parseInboundMessage(MIXED_DSN);

    expect(report.references).toEqual({ verpToken: 'tok42', scaisendMessageId: 'msg_01HX7Y', messageIds: ['msg_01HX7Y@shop.example'] });
  });

  it('lists no recipient for a success DSN', async () => {
    const report = await parseInboundMessage(SUCCESS_DSN);

    expect(report).toMatchObject({ kind: 'dsn', recipients: [], delayed: [], references: { verpToken: 'tok7' } });
  });

  it('reads a feedback report', async () => {
    const report = await parseInboundMessage(ARF);

    expect(report.kind).toBe('arf');
    expect(report.feedbackType).toBe('abuse');
    expect(report.recipients).toEqual([{ email: 'alice@example.org', status: null, category: 'complaint', reason: null, action: null, diagnostic: 'abuse', remoteMta: null }]);
    expect(report.references).toEqual({ verpToken: 'msg_01HX7Y.a1b2=example.org', scaisendMessageId: 'msg_01HX7Y', messageIds: ['msg_01HX7Y@shop.example'] });
  });

  it('takes complainants from the original To without Original-Rcpt-To', async () => {
    const report = await parseInboundMessage(ARF.replace('Original-Rcpt-To: <Alice@example.org>\r\n', ''));

    expect(report.recipients.map((recipient) => recipient.email)).toEqual(['alice@example.org']);
  });

  it('reads a plain-text bounce and its quoted original', async () => {
    const report = await parseInboundMessage(EXIM_BOUNCE);

    expect(report.kind).toBe('dsn');
    expect(report.recipients.map(({ email, status, category }) => ({ email, status, category }))).toEqual([{ email: 'frank@example.com', status: '5.1.1', category: 'hard' }]);
    expect(report.references).toEqual({ verpToken: 'tok-exim', scaisendMessageId: 'msg_02ABC', messageIds: ['msg_02ABC@shop.example'] });
  });

  it.each([
    ['Auto-Submitted', ['Auto-Submitted: auto-replied', 'Subject: Re: Your order']],
    ['X-Autoreply', ['X-Autoreply: yes', 'Subject: Re: Your order']],
    ['X-Autorespond', ['X-Autorespond: Out of office', 'Subject: Re: Your order']],
    ['Precedence', ['Precedence: auto_reply', 'Subject: Re: Your order']],
    ['an Outlook subject', ['Subject: Automatic reply: Your order']],
    ['a German subject', ['Subject: Abwesenheitsnotiz: Your order']],
    ['a French subject', ['Subject: =?UTF-8?Q?R=C3=A9ponse_automatique=C2=A0:_Your_order?=']],
    ['an English subject', ['Subject: Out of Office: Your order']],
  ])('treats a reply marked by %s as an auto-reply', async (_marker, headers) => {
    const report = await parseInboundMessage(autoReply(headers));

    expect(report).toMatchObject({ kind: 'auto_reply', recipients: [], delayed: [], references: { verpToken: 'tok9' } });
  });

  it('keeps a DSN marked auto-generated a DSN', async () => {
    const report = await parseInboundMessage(MIXED_DSN);

    expect(report.kind).toBe('dsn');
  });

  it('ignores a forwarded bounce', async () => {
    const forward = crlf(
      'From: Alice <alice@example.org>',
      'To: bounces+tok3@bounce.shop.example',
      'Subject: Fwd: Undelivered Mail Returned to Sender',
      'Content-Type: multipart/mixed; boundary="B5"',
      '',
      '--B5',
      'Content-Type: text/plain',
      '',
      'Why did this bounce?',
      '',
      '--B5',
      'Content-Type: message/rfc822',
      '',
      POSTFIX_DSN,
      '--B5--',
      '',
    );

    const report = await parseInboundMessage(forward);

    expect(report).toMatchObject({ kind: 'other', recipients: [], references: { verpToken: 'tok3' } });
  });

  it('ignores ordinary mail', async () => {
    const mail = crlf('From: Alice <alice@example.org>', 'To: orders@shop.example', 'Subject: Question', 'Message-ID: <q1@example.org>', '', 'Where is my order?', '');

    const report = await parseInboundMessage(mail);

    expect(report).toEqual({ kind: 'other', recipients: [], delayed: [], feedbackType: null, references: { verpToken: null, scaisendMessageId: null, messageIds: [] } });
  });

  describe('an unknown-user reply without an x.1.x status', () => {
    const categoryOf = async (raw: string) => (await parseInboundMessage(raw)).recipients.map(({ category }) => category);

    it('is a block with a mailbox-state status', async () => {
      const raw = dsnFor([], ['Status: 5.2.1', 'Diagnostic-Code: smtp; 550 5.2.1 <alice@example.org>... User Unknown']);

      expect(await categoryOf(raw)).toEqual(['block']);
    });

    it('is hard when the server refused the RCPT TO', async () => {
      const text = ['<alice@example.org>: host mx.example.org[192.0.2.10] said: 550 5.2.1', '    <alice@example.org>... User Unknown (in reply to RCPT TO command)'];
      const raw = dsnFor(text, ['Status: 5.2.1', 'Diagnostic-Code: smtp; 550 5.2.1 <alice@example.org>... User Unknown']);

      expect(await categoryOf(raw)).toEqual(['hard']);
    });

    it('is a block when the server refused the message after DATA', async () => {
      const text = ['<alice@example.org>: host mx.example.org[192.0.2.10] said: 550 User unknown', '    (in reply to end of DATA command)'];
      const raw = dsnFor(text, ['Status: 5.0.0', 'Diagnostic-Code: smtp; 550 User unknown']);

      expect(await categoryOf(raw)).toEqual(['block']);
    });

    it('is hard in a pipelined Sendmail transcript', async () => {
      const raw = sendmailBounce([
        '   ----- The following addresses had permanent fatal errors -----',
        '<alice@example.org>',
        '    (reason: 550 5.0.0 <alice@example.org>... User unknown)',
        '',
        '   ----- Transcript of session follows -----',
        '... while talking to mx.example.org.:',
        '>>> DATA',
        '<<< 550 5.0.0 <alice@example.org>... User unknown',
        '550 5.1.1 <alice@example.org>... User unknown',
        '<<< 503 5.0.0 Need RCPT (recipient)',
      ]);

      expect(await categoryOf(raw)).toEqual(['hard']);
    });
  });

  it('treats a final 4.1.1 unknown user as hard', async () => {
    const raw = dsnFor([], ['Status: 4.1.1', 'Diagnostic-Code: smtp; 450 4.1.1 <alice@example.org>: Recipient address rejected: User unknown in virtual alias table']);

    expect((await parseInboundMessage(raw)).recipients).toMatchObject([{ email: 'alice@example.org', status: '4.1.1', category: 'hard', reason: 'mailbox_unknown' }]);
  });

  it('reads the transcript above a Sendmail summary line', async () => {
    const raw = sendmailBounce([
      '   ----- Transcript of session follows -----',
      'While talking to mx.example.org:',
      '>>> MAIL From:<orders@shop.example>',
      '<<< 501 <orders@shop.example>... no access from mail server [192.0.2.55] which is an open relay.',
      '554 <alice@example.org>... Remote protocol error',
      'While talking to mx.example.net:',
      '>>> RCPT To:<bob@example.net>',
      '<<< 550 <bob@example.net>... User unknown',
      '550 <bob@example.net>... User unknown',
    ]);

    const report = await parseInboundMessage(raw);

    expect(report.recipients.map(({ email, category }) => ({ email, category }))).toEqual([
      { email: 'alice@example.org', category: 'block' },
      { email: 'bob@example.net', category: 'hard' },
    ]);
  });

  it('takes the VERP token from X-Original-To', async () => {
    const report = await parseInboundMessage(POSTFIX_DSN.replace(/^(Delivered-To|To): .*\r\n/gm, '').replace('Return-Path: <>', 'Return-Path: <>\r\nX-Original-To: Bounces+Tok-5@bounce.shop.example'));

    expect(report.references.verpToken).toBe('Tok-5');
  });
});
