import { escapeHtml, renderLoginPage, renderLogoutPage } from './login-page.js';

describe('queue board login page', () => {
  it('posts the token and where to go next to the login path', () => {
    const html = renderLoginPage({ action: '/admin/login', next: '/admin/queues/queue/billing' });
    expect(html).toContain('<form method="post" action="/admin/login">');
    expect(html).toContain('<input type="password" id="token" name="token"');
    expect(html).toContain('<input type="hidden" name="next" value="/admin/queues/queue/billing">');
    expect(html).not.toContain('<script');
  });

  it('escapes whatever it shows', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderLoginPage({ action: '/admin/login', next: '/admin/queues"><script>', message: { kind: 'error', text: '<b>no</b>' } });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>no</b>');
    expect(html).toContain('role="alert">&lt;b&gt;no&lt;/b&gt;</p>');
  });

  it('logs out by a POST form', () => {
    const html = renderLogoutPage({ action: '/admin/logout', boardPath: '/admin/queues' });
    expect(html).toContain('<form method="post" action="/admin/logout">');
    expect(html).toContain('href="/admin/queues"');
  });
});
