import type { RecipientState } from '../messages/message-recipient.entity.js';
import { attributeFailures, planInboundChanges } from './inbound-changes.js';
import type { InboundRecipient, InboundReport } from './inbound-report.js';

function failure(email: string, category: InboundRecipient['category'], status: string | null = null, diagnostic: string | null = null): InboundRecipient {
  let reason: InboundRecipient['reason'] = null;
  if (category === 'hard') reason = 'mailbox_unknown';
  else if (category !== 'complaint') reason = 'policy';
  return { email, status, category, reason, action: category === 'complaint' ? null : 'failed', diagnostic, remoteMta: null };
}

function report(kind: InboundReport['kind'], recipients: InboundRecipient[], extra: Partial<InboundReport> = {}): InboundReport {
  return { kind, recipients, delayed: [], feedbackType: null, references: { verpToken: null, scaisendMessageId: null, messageIds: [] }, ...extra };
}

const delivered = (...emails: string[]): Map<string, RecipientState> => new Map(emails.map((email) => [email, 'delivered' as RecipientState]));

describe('attributeFailures', () => {
  it('pairs failures with recipients of the message', () => {
    const dsn = report('dsn', [failure('ada@example.com', 'hard'), failure('eve@example.com', 'hard')]);

    expect(attributeFailures(dsn, ['ada@example.com', 'grace@example.com']).map((entry) => entry.recipient)).toEqual(['ada@example.com', null]);
  });

  it('pairs nothing without a matched message', () => {
    expect(attributeFailures(report('dsn', [failure('ada@example.com', 'hard')]), null)).toEqual([{ failure: failure('ada@example.com', 'hard'), recipient: null }]);
  });

  it('gives a redacted complaint to the only recipient', () => {
    const arf = report('arf', [failure('redacted@example.net', 'complaint')], { feedbackType: 'abuse' });

    expect(attributeFailures(arf, ['ada@example.com']).map((entry) => entry.recipient)).toEqual(['ada@example.com']);
    expect(attributeFailures(arf, ['ada@example.com', 'grace@example.com']).map((entry) => entry.recipient)).toEqual([null]);
  });

  it('adds the only recipient to a complaint without addresses', () => {
    const arf = report('arf', [], { feedbackType: 'abuse' });

    expect(attributeFailures(arf, ['ada@example.com'])).toEqual([{ failure: expect.objectContaining({ email: 'ada@example.com', category: 'complaint' }), recipient: 'ada@example.com' }]);
  });

  it('lists nothing for a not-spam report', () => {
    const arf = report('arf', [failure('ada@example.com', 'complaint')], { feedbackType: 'not-spam' });

    expect(attributeFailures(arf, ['ada@example.com'])).toEqual([]);
  });
});

describe('planInboundChanges', () => {
  it('bounces and suppresses a hard failure', () => {
    const dsn = report('dsn', [failure('ada@example.com', 'hard', '5.1.1', '550 5.1.1 No such user')]);

    const changes = planInboundChanges(dsn, attributeFailures(dsn, ['ada@example.com']), [], delivered('ada@example.com'), new Set());

    expect(changes).toEqual({
      events: [{ type: 'bounce', recipientEmail: 'ada@example.com', metadata: { bounce_type: 'hard', status: '5.1.1', reason: '550 5.1.1 No such user', classification: 'mailbox_unknown', smtp_response: '550 5.1.1 No such user' } }],
      bounced: ['ada@example.com'],
      suppressions: [{ list: 'bounce', email: 'ada@example.com', reason: '550 5.1.1 No such user', bounceType: 'hard', status: '5.1.1' }],
      errors: ['550 5.1.1 No such user'],
    });
  });

  it('bounces a soft failure without suppressing it', () => {
    const dsn = report('dsn', [failure('ada@example.com', 'soft', '5.2.2')]);

    const changes = planInboundChanges(dsn, attributeFailures(dsn, ['ada@example.com']), [], delivered('ada@example.com'), new Set());

    expect(changes.events).toEqual([{ type: 'bounce', recipientEmail: 'ada@example.com', metadata: expect.objectContaining({ bounce_type: 'soft', status: '5.2.2' }) }]);
    expect(changes.bounced).toEqual(['ada@example.com']);
    expect(changes.suppressions).toEqual([]);
  });

  it('lists a block under blocks', () => {
    const dsn = report('dsn', [failure('ada@example.com', 'block', '5.7.1', '554 5.7.1 Blocked')]);

    const changes = planInboundChanges(dsn, attributeFailures(dsn, ['ada@example.com']), [], delivered('ada@example.com'), new Set());

    expect(changes.events).toEqual([{ type: 'blocked', recipientEmail: 'ada@example.com', metadata: expect.objectContaining({ bounce_type: 'block', status: '5.7.1' }) }]);
    expect(changes.suppressions).toEqual([expect.objectContaining({ list: 'block', bounceType: 'block' })]);
  });

  it('records a complaint without bouncing the recipient', () => {
    const arf = report('arf', [failure('ada@example.com', 'complaint')], { feedbackType: 'abuse' });

    const changes = planInboundChanges(arf, attributeFailures(arf, ['ada@example.com']), [], delivered('ada@example.com'), new Set());

    expect(changes.events).toEqual([{ type: 'spam_report', recipientEmail: 'ada@example.com', metadata: { feedback_type: 'abuse' } }]);
    expect(changes.bounced).toEqual([]);
    expect(changes.suppressions).toEqual([expect.objectContaining({ list: 'spam_report', email: 'ada@example.com' })]);
  });

  it('records an opt-out as an unsubscribe once', () => {
    const arf = report('arf', [failure('ada@example.com', 'complaint')], { feedbackType: 'opt-out' });
    const failures = attributeFailures(arf, ['ada@example.com']);

    const first = planInboundChanges(arf, failures, [], delivered('ada@example.com'), new Set());
    const again = planInboundChanges(arf, failures, [], delivered('ada@example.com'), new Set(['ada@example.com']));

    expect(first.events).toEqual([{ type: 'unsubscribe', recipientEmail: 'ada@example.com', metadata: { source: 'mailto' } }]);
    expect(first.suppressions).toEqual([expect.objectContaining({ list: 'unsubscribe' })]);
    expect(again.events).toEqual([]);
  });

  it('records delays of delivered recipients as deferred', () => {
    const delay = failure('ada@example.com', 'soft', '4.4.7', 'Connection timed out');
    const dsn = report('dsn', [], { delayed: [delay] });

    const changes = planInboundChanges(dsn, [], [{ failure: delay, recipient: 'ada@example.com' }], delivered('ada@example.com'), new Set());

    expect(changes.events).toEqual([{ type: 'deferred', recipientEmail: 'ada@example.com', metadata: { smtp_response: 'Connection timed out', status: '4.4.7' } }]);
    expect(changes.bounced).toEqual([]);
  });

  it('leaves recipients whose delivery is not over', () => {
    const dsn = report('dsn', [failure('ada@example.com', 'hard'), failure('grace@example.com', 'hard')]);
    const states = new Map<string, RecipientState>([['ada@example.com', 'pending'], ['grace@example.com', 'dropped']]);

    const changes = planInboundChanges(dsn, attributeFailures(dsn, ['ada@example.com', 'grace@example.com']), [], states, new Set());

    expect(changes).toEqual({ events: [], bounced: [], suppressions: [], errors: [] });
  });

  it('records a recipient named twice once', () => {
    const dsn = report('dsn', [failure('ada@example.com', 'hard'), failure('ada@example.com', 'hard')]);

    const changes = planInboundChanges(dsn, attributeFailures(dsn, ['ada@example.com']), [], delivered('ada@example.com'), new Set());

    expect(changes.events).toHaveLength(1);
  });
});
