import { classifyFinalFailure, classifySmtpReply, enhancedStatusIn, leadingCode, type ReplyClassification } from './reply-classifier.js';

type Case = [provider: string, code: number | null, status: string | null, response: string, expected: ReplyClassification];

const hard = (reason: string): ReplyClassification => ({ category: 'hard', rateLimited: false, reason } as ReplyClassification);
const soft = (reason: string): ReplyClassification => ({ category: 'soft', rateLimited: false, reason } as ReplyClassification);
const block = (reason: string): ReplyClassification => ({ category: 'block', rateLimited: false, reason } as ReplyClassification);
const deferred = (reason: string): ReplyClassification => ({ category: 'deferred', rateLimited: false, reason } as ReplyClassification);
const rateLimited: ReplyClassification = { category: 'deferred', rateLimited: true, reason: 'rate_limit' };
const delivered: ReplyClassification = { category: 'delivered', rateLimited: false, reason: 'delivered' };

/** Replies as the providers word them in their public bounce texts and postmaster pages. */
const REPLIES: Case[] = [
  ['Gmail', 550, '5.1.1', "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser a1si123 - gsmtp", hard('mailbox_unknown')],
  ['Gmail', 552, '5.2.2', '552-5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp a1si123 - gsmtp', soft('mailbox_full')],
  ['Gmail', 452, '4.2.2', '452-4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp a1si123 - gsmtp', deferred('mailbox_full')],
  ['Gmail', 550, '5.2.1', '550-5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser a1si123 - gsmtp', soft('mailbox_disabled')],
  ['Gmail', 550, '5.7.1', '550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. a1si123 - gsmtp', block('spam_content')],
  ['Gmail', 550, '5.7.26', '550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM. a1si123 - gsmtp', block('authentication')],
  ['Gmail', 550, '5.7.26', "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. Please contact the administrator of example.com domain if this was a legitimate mail. a1si123 - gsmtp", block('authentication')],
  ['Gmail', 550, '5.7.25', '550-5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. a1si123 - gsmtp', block('policy')],
  ['Gmail', 552, '5.3.4', "552-5.3.4 Your message exceeded Google's message size limits. Please visit https://support.google.com/mail/?p=MaxSizeError a1si123 - gsmtp", soft('message_too_large')],
  ['Gmail', 421, '4.7.0', '421-4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. a1si123 - gsmtp', rateLimited],
  ['Gmail', 421, '4.7.0', '421-4.7.0 Try again later, closing connection. (EHLO) a1si123 - gsmtp', rateLimited],
  ['Gmail', 450, '4.2.1', '450-4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. a1si123 - gsmtp', rateLimited],
  ['Gmail', 421, '4.7.28', '421-4.7.28 Gmail has detected an unusual rate of mail originating from your DKIM domain [example.com 1]. a1si123 - gsmtp', rateLimited],
  ['Outlook.com', 550, '5.5.0', '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [DM3NAM03FT003.eop-NAM03.prod.protection.outlook.com]', hard('mailbox_unknown')],
  ['Office 365', 550, '5.1.10', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', hard('mailbox_unknown')],
  ['Office 365', 550, '5.4.1', '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]', hard('mailbox_unknown')],
  ['Outlook.com', 550, '5.7.1', '550 5.7.1 Unfortunately, messages from [192.0.2.1] weren\'t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).', block('blocklist')],
  ['Office 365', 550, '5.7.606', '550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/', block('policy')],
  ['Office 365', 550, '5.7.509', '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.', block('authentication')],
  ['Office 365', 451, '4.7.500', '451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77714)', rateLimited],
  ['Outlook.com', 451, '4.7.650', '451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.', rateLimited],
  ['Office 365', 554, '5.2.2', '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded', soft('mailbox_full')],
  ['Yahoo', 554, null, "554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1234.mail.ne1.yahoo.com", hard('mailbox_unknown')],
  ['Yahoo', 554, null, '554 delivery error: dd Sorry your message to someone@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.ne1.yahoo.com', soft('mailbox_disabled')],
  ['Yahoo', 421, '4.7.0', '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes', rateLimited],
  ['Yahoo', 553, '5.7.2', '553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes', block('policy')],
  ['Yahoo', 554, '5.7.9', '554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes', block('policy')],
  ['AOL', 521, '5.2.1', '521 5.2.1 : AOL will not accept delivery of this message.', block('policy')],
  ['AOL', 421, '4.7.1', '421 4.7.1 : (DYN:T1) https://postmaster.aol.com/error-codes#421dynt1', rateLimited],
  ['iCloud', 550, '5.1.1', '550 5.1.1 <someone@icloud.com>: inactive email address', hard('mailbox_unknown')],
  ['iCloud', 554, '5.7.1', '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137', block('policy')],
  ['iCloud', 552, '5.2.2', '552 5.2.2 <someone@icloud.com>: user is over quota', soft('mailbox_full')],
  ['GMX', 550, null, '550 Requested action not taken: mailbox unavailable', hard('mailbox_unknown')],
  ['GMX', 554, null, '554-gmx.net (mxgmx117) Nemesis ESMTP Service not available 554-No SMTP service 554-Bad DNS PTR resource record. 554 For explanation visit https://postmaster.gmx.net/en/case?c=r0601', block('policy')],
  ['web.de', 554, null, '554-Transaction failed 554-Reject due to policy restrictions. 554 For explanation visit https://web.de/email/senderguidelines?ip=192.0.2.1&c=hi', block('policy')],
  ['GMX', 552, null, '552 Requested mail action aborted: exceeded storage allocation', soft('mailbox_full')],
  ['web.de', 421, null, '421-mx.web.de (mxweb112) Nemesis ESMTP Service not available 421 Service unavailable', rateLimited],
  ['Mimecast', 550, null, '550 Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550 [AbCdEf.uk22]', hard('mailbox_unknown')],
  ['Mimecast', 554, null, '554 Email rejected due to security policies - https://community.mimecast.com/docs/DOC-1369#554 [AbCdEf.uk22]', block('policy')],
  ['Mimecast', 451, null, '451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451', deferred('system_error')],
  ['Mimecast', 550, null, '550 Rejected by header based Anti-Spoofing policy: someone@example.com - https://community.mimecast.com/docs/DOC-1369#550', block('policy')],
  ['Proofpoint', 554, '5.7.0', '554 5.7.0 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1', block('blocklist')],
  ['Proofpoint', 550, '5.7.0', '550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1', block('blocklist')],
  ['Proofpoint', 550, '5.1.1', '550 5.1.1 User Unknown', hard('mailbox_unknown')],
  ['Postfix', 550, '5.1.1', '550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown in local recipient table', hard('mailbox_unknown')],
  ['Postfix', 554, '5.7.1', '554 5.7.1 <someone@example.org>: Relay access denied', block('relay_denied')],
  ['Postfix', 450, '4.2.0', '450 4.2.0 <someone@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html', deferred('greylisted')],
  ['Postfix', 554, '5.7.1', '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1', block('blocklist')],
  ['Postfix', 552, '5.3.4', '552 5.3.4 Message size exceeds fixed limit', soft('message_too_large')],
  ['Postfix', 452, '4.3.1', '452 4.3.1 Insufficient system storage', deferred('system_error')],
  ['Postfix', 450, '4.1.8', '450 4.1.8 <bounce@example.com>: Sender address rejected: Domain not found', deferred('sender_rejected')],
  ['Postfix', 451, '4.7.1', '451 4.7.1 Please try again later', deferred('greylisted')],
  ['Exim', 550, null, '550 Unrouteable address', hard('mailbox_unknown')],
  ['Exim', 550, null, '550-Verification failed for <bounce@example.com> 550-Unrouteable address 550 Sender verify failed', block('sender_rejected')],
  ['Exim', 550, null, '550 Administrative prohibition', block('policy')],
  ['Exim', 451, null, '451 Temporary local problem - please try later', deferred('system_error')],
  ['Exim', 550, null, '550 Rejected because 192.0.2.1 is in a black list at b.barracudacentral.org', block('blocklist')],
  ['Exim', 451, null, '451-The server has reached its limit for processing requests from your host. 451 Please try again later.', rateLimited],
  ['Sendmail', 550, '5.1.1', '550 5.1.1 <someone@example.org>... User unknown', hard('mailbox_unknown')],
  ['Sendmail', 553, '5.1.8', '553 5.1.8 <bounce@example.com>... Domain of sender address bounce@example.com does not exist', block('sender_rejected')],
  ['Sendmail', 550, '5.7.1', '550 5.7.1 <someone@example.org>... Relaying denied. Proper authentication required.', block('relay_denied')],
  ['Sendmail', 452, '4.4.5', '452 4.4.5 Insufficient disk space; try again later', deferred('system_error')],
  ['Sendmail', 554, '5.0.0', '554 5.0.0 Service unavailable', soft('system_error')],
  ['qmail', null, null, 'Sorry, no mailbox here by that name. (#5.1.1)', hard('mailbox_unknown')],
  ['qmail', 553, null, "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", block('relay_denied')],
  ['qmail', 552, null, "552 sorry, the recipient's mailbox is full (#5.2.2)", soft('mailbox_full')],
  ['Comcast', 554, null, '554 resimta-ch2-18v.sys.comcast.net comcast 192.0.2.1 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000010', block('blocklist')],
  ['Barracuda', 550, '5.7.1', '550 5.7.1 Service unavailable; client [192.0.2.1] blocked using Barracuda Reputation, see http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.1', block('blocklist')],
  ['Tencent', 550, null, '550 Mail content denied. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000726', block('policy')],
  ['GoDaddy', 550, '5.1.1', '550 5.1.1 <someone@example.com> - 192.0.2.1 has sent to too many recipients this hour. IB607 <http://x.co/rlbounce>', rateLimited],
  ['generic', 550, null, '550 Mailbox quota exceeded', soft('mailbox_full')],
  ['generic', 550, null, '550 Message rejected as spam by Content Filtering.', block('spam_content')],
  ['generic', 550, '5.0.0', '550 5.0.0 <someone@example.org>... User unknown', hard('mailbox_unknown')],
  ['SpamCop', 550, null, '550 Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.1', block('blocklist')],
  ['Spectrum', 550, '5.1.0', '550 5.1.0 <bounce@example.com> sender rejected. Please see https://www.spectrum.net/support/internet/understanding-email-error-codes for more information. AUP#In-1310', rateLimited],
  ['Spectrum', 554, '5.7.1', '554 5.7.1 Your IP address has been blocked due to suspicious activity. AUP#I-1000', block('blocklist')],
  ['Orange', 550, '5.1.1', '550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]', hard('mailbox_unknown')],
  ['Orange', 550, '5.2.0', '550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]', block('spam_content')],
  ['La Poste', 550, '5.5.0', '550 5.5.0 Le compte du destinataire est bloque. The recipient account isblocked. LPN007_426', soft('mailbox_disabled')],
  ['Postfix', 503, '5.5.1', '503 5.5.1 Error: need RCPT command', block('protocol_error')],
  ['Sendmail', 501, '5.1.3', '501 5.1.3 Bad recipient address syntax', hard('mailbox_unknown')],
  ['generic', 503, null, '503 Improper sequence of commands', block('protocol_error')],
  ['Postfix', 550, '5.0.0', '550 5.0.0 <someone@example.org>: Recipient address rejected: On hold', soft('mailbox_disabled')],
  ['gateway', 550, null, "550 'someone@example.org' is not a registered gateway user", block('relay_denied')],
  ['Sendmail', 501, null, '501 <bounce@example.com>... no access from mail server [192.0.2.1] which is an open relay.', block('blocklist')],
  ['Postfix', 250, '2.0.0', '250 2.0.0 Ok: queued as 4C1B2D3E4F', delivered],
  ['no connection', null, null, 'No MX host of example.org accepted a connection: connect ECONNREFUSED 192.0.2.1:25', deferred('network_error')],
  ['no connection', null, null, 'example.org closed the connection', deferred('no_connection')],
];

describe('classifySmtpReply', () => {
  it.each(REPLIES)('%s: %s %s %s', (_provider, code, enhancedStatus, response, expected) => {
    expect(classifySmtpReply({ code, enhancedStatus, response })).toEqual(expected);
  });

  it('lists at least 50 replies', () => {
    expect(REPLIES.length).toBeGreaterThanOrEqual(50);
  });

  it('reads the code and status from the text when missing', () => {
    expect(classifySmtpReply({ code: null, enhancedStatus: null, response: '550 5.1.1 <a@example.org>: user unknown' })).toEqual(hard('mailbox_unknown'));
  });

  it('treats every 4xx as deferred', () => {
    expect(classifySmtpReply({ code: 450, enhancedStatus: '4.1.1', response: '450 4.1.1 <a@example.org>: Recipient address rejected: User unknown in virtual alias table' }).category).toBe('deferred');
  });

  it('marks only deferrals as rate limited', () => {
    const permanent = REPLIES.filter(([, code]) => code !== null && code >= 500).map(([, code, enhancedStatus, response]) => classifySmtpReply({ code, enhancedStatus, response }));

    expect(permanent.filter((result) => result.rateLimited && result.category !== 'deferred')).toEqual([]);
  });
});

describe('classifyFinalFailure', () => {
  it('turns a rate limit into a soft failure', () => {
    expect(classifyFinalFailure({ code: 421, enhancedStatus: '4.7.0', response: '421 4.7.0 Try again later, closing connection.' })).toEqual({ category: 'soft', reason: 'rate_limit' });
  });

  it('keeps a temporary refusal for reputation as a block', () => {
    const reply = { code: 451, enhancedStatus: '4.7.650', response: '451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.' };

    expect(classifyFinalFailure(reply)).toEqual({ category: 'block', reason: 'blocklist' });
  });

  it('lets a provider code name the cause of a 421', () => {
    const reply = { code: 421, enhancedStatus: '4.2.0', response: '421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]' };

    expect(classifyFinalFailure(reply)).toEqual({ category: 'soft', reason: 'system_error' });
  });

  it('keeps a 421 refusal without a provider code a block', () => {
    const reply = { code: 421, enhancedStatus: '4.2.1', response: '421 4.2.1 Service refuse. Veuillez essayer plus tard. Service refused, please try later.' };

    expect(classifyFinalFailure(reply)).toEqual({ category: 'block', reason: 'policy' });
  });

  it('keeps a temporary unknown user soft', () => {
    const reply = { code: 450, enhancedStatus: '4.1.1', response: '450 4.1.1 <a@example.org>: Recipient address rejected: User unknown in virtual alias table' };

    expect(classifyFinalFailure(reply).category).toBe('soft');
  });

  it('treats a null MX as hard whatever the class', () => {
    const reply = { code: null, enhancedStatus: '4.0.0', response: "DNS Error: DNS type 'mx' lookup of example.org responded with code NOERROR The domain example.org doesn't receive email according to the administrator: returned Null MX" };

    expect(classifyFinalFailure(reply)).toEqual({ category: 'hard', reason: 'domain_unknown' });
  });

  it('treats a reply-less text as permanent', () => {
    expect(classifyFinalFailure({ code: null, enhancedStatus: null, response: 'Unknown user: a@example.org' })).toEqual({ category: 'hard', reason: 'mailbox_unknown' });
  });

  it('turns no connection into a soft network error', () => {
    expect(classifyFinalFailure({ code: null, enhancedStatus: null, response: '' })).toEqual({ category: 'soft', reason: 'network_error' });
  });
});

describe('reply parts', () => {
  it('finds the leading reply code', () => {
    expect(leadingCode('550-5.7.26 Unauthenticated')).toBe(550);
    expect(leadingCode('Sorry, no mailbox here')).toBeNull();
  });

  it('finds enhanced status codes, also in qmail form', () => {
    expect(enhancedStatusIn('550 5.1.1 <a@example.org>... User unknown')).toBe('5.1.1');
    expect(enhancedStatusIn('Sorry, no mailbox here by that name. (#5.1.1)')).toBe('5.1.1');
    expect(enhancedStatusIn('host 192.0.2.153 said: 550 Unknown user')).toBeNull();
  });
});
