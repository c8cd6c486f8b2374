/**
 * The queue board's two small server-rendered pages: the login form (an administrator pastes their API
 * token) and the logout confirmation. No script, one inline style sheet; served with LOGIN_PAGE_HEADERS.
 */

/** Headers of every page here: nothing else may run, load or frame them, and nothing is cached. */
export const LOGIN_PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'same-origin',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 26rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  label { display: block; font-weight: 600; margin-bottom: .4rem; }
  input[type=password] { width: 100%; box-sizing: border-box; padding: .55rem; font: inherit; border: 1px solid #8a93a3; border-radius: 4px; }
  button { margin-top: 1rem; padding: .55rem 1.2rem; font: inherit; background: #2755c4; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  p.note { color: #4a5263; font-size: .9rem; }
  p.message { padding: .6rem .8rem; border-radius: 4px; }
  p.error { background: #fde8e8; color: #8a1c1c; }
  p.info { background: #e6f0ff; color: #1c3f8a; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const messageHtml = (message?: { kind: 'error' | 'info'; text: string }) =>
  message ? `<p class="message ${message.kind}" role="${message.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(message.text)}</p>\n` : '';

export interface LoginPage {
  /** Where the form posts (the login path). */
  action: string;
  /** The board page to open once logged in. */
  next: string;
  message?: { kind: 'error' | 'info'; text: string };
}

export function renderLoginPage(p: LoginPage): string {
  return page(
    'Queue board: log in',
    `<h1>Queue board</h1>
${messageHtml(p.message)}<form method="post" action="${escapeHtml(p.action)}">
<label for="token">Administrator API token</label>
<input type="password" id="token" name="token" required autocomplete="current-password" autofocus>
<input type="hidden" name="next" value="${escapeHtml(p.next)}">
<button type="submit">Log in</button>
</form>
<p class="note">Paste the bearer token you use with the API. Only administrators may open the board; the session ends when you log out, after a few hours, or as soon as your token is revoked or reissued.</p>`,
  );
}

export function renderLogoutPage(p: { action: string; boardPath: string }): string {
  return page(
    'Queue board: log out',
    `<h1>Log out of the queue board?</h1>
<form method="post" action="${escapeHtml(p.action)}">
<button type="submit">Log out</button>
</form>
<p class="note"><a href="${escapeHtml(p.boardPath)}">Back to the queues</a></p>`,
  );
}
