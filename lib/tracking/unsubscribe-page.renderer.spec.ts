import { DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE } from './templates/unsubscribe-page.js';
import { UnsubscribePageRenderer, UnsubscribePageView } from './unsubscribe-page.renderer.js';

const group = { id: 7, name: 'News <b>letter</b>', description: 'Monthly & more', unsubscribed: false };

const view: UnsubscribePageView = {
  email: 'ada@example.com',
  actionUrl: 'https://track.test/t/u/TOKEN',
  notice: null,
  unsubscribedAll: false,
  groups: [group],
};

describe('UnsubscribePageRenderer', () => {
  it('renders both actions of the default page', () => {
    const html = new UnsubscribePageRenderer(DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE).render(view);

    expect(html).toContain('<strong>ada@example.com</strong>');
    expect(html).toContain('<form method="post" action="https://track.test/t/u/TOKEN">');
    expect(html).toContain('<input type="hidden" name="group_id" value="7">');
    expect(html).toContain('value="unsubscribe_group"');
    expect(html).toContain('value="unsubscribe_all"');
    expect(html).not.toContain('role="status"');
  });

  it('escapes what it interpolates', () => {
    const html = new UnsubscribePageRenderer(DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE).render(view);

    expect(html).toContain('<h2>News &lt;b&gt;letter&lt;/b&gt;</h2>');
    expect(html).toContain('<p>Monthly &amp; more</p>');
  });

  it('shows the state after an action', () => {
    const html = new UnsubscribePageRenderer(DEFAULT_UNSUBSCRIBE_PAGE_TEMPLATE).render({
      ...view,
      notice: 'Done.',
      unsubscribedAll: true,
      groups: [{ ...group, unsubscribed: true }],
    });

    expect(html).toContain('<p class="notice" role="status">Done.</p>');
    expect(html).toContain('value="resubscribe_group"');
    expect(html).not.toContain('value="unsubscribe_all"');
  });

  it('renders a host template', () => {
    const renderer = new UnsubscribePageRenderer('<p><%= it.email %>: <%= it.groups.length %></p>');

    expect(renderer.render(view)).toBe('<p>ada@example.com: 1</p>');
  });

  it('fails when a host template does not compile', () => {
    expect(() => new UnsubscribePageRenderer('<% if ( %>')).toThrow();
  });
});
