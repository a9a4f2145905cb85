import type { MailSendRequest } from './mail-send.types.js';
import { composeContent } from './message-content.js';

const REQUEST: MailSendRequest = {
  personalizations: [{ to: [{ email: 'ada@example.com' }] }],
  from: { email: 'hello@example.com' },
  subject: 'Hello -name-',
  content: [
    { type: 'text/plain', value: 'Hi -name-, your code is -code-.' },
    { type: 'text/html', value: '<html><body><p>Hi -name-</p></body></html>' },
  ],
};

describe('composeContent', () => {
  it('applies substitutions to subject and parts', () => {
    const content = composeContent(REQUEST, { to: [], substitutions: { '-name-': 'Ada', '-code-': '42' } }, null);

    expect(content.subject).toBe('Hello Ada');
    expect(content.text).toBe('Hi Ada, your code is 42.');
    expect(content.html).toBe('<html><body><p>Hi Ada</p></body></html>');
  });

  it('prefers longer keys that contain shorter ones', () => {
    const content = composeContent({ ...REQUEST, subject: '%name% %name_full%' }, { to: [], substitutions: { '%name%': 'A', '%name_full%': 'Ada L' } }, null);

    expect(content.subject).toBe('A Ada L');
  });

  it('ignores substitutions with a dynamic template', () => {
    const content = composeContent(REQUEST, { to: [], substitutions: { Ada: 'Eve' } }, { subject: 'Hi Ada', html: '<p>Ada</p>', text: 'Ada' });

    expect(content).toEqual({ subject: 'Hi Ada', html: '<p>Ada</p>', text: 'Ada' });
  });

  it('puts the footer inside the body and after the text', () => {
    const request = { ...REQUEST, mail_settings: { footer: { enable: true, text: 'Acme Inc.', html: '<p>Acme Inc.</p>' } } };
    const content = composeContent(request, { to: [] }, null);

    expect(content.html).toBe('<html><body><p>Hi -name-</p><p>Acme Inc.</p></body></html>');
    expect(content.text).toBe('Hi -name-, your code is -code-.\n\nAcme Inc.');
  });

  it('uses the personalization subject first', () => {
    expect(composeContent(REQUEST, { to: [], subject: 'Own subject' }, null).subject).toBe('Own subject');
  });
});
