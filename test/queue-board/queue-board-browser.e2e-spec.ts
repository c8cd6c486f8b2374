import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright never downloads a browser here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const QUEUES = ['billing', 'commitments', 'compliance', 'data-protection', 'mail', 'safeguarding-alerts'];

/** The page's `document`, inside functions evaluated in the browser (this project's types have no DOM). */
type InBrowser = { document: { body: { innerText: string } } };

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.log(`Skipping the queue board browser test: no Chromium at ${CHROMIUM} (install it with "apt-get install -y chromium")`);
}

/**
 * The queue board as an administrator meets it: in a real browser, logging in through the form, the
 * board's single-page app listing every queue, logging out, and the board closed again.
 */
(haveChromium ? describe : describe.skip)('queue board in a browser (Chromium)', () => {
  let t: TestApp;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let screenshots: string;

  beforeAll(async () => {
    t = await createTestApp();
    profile = mkdtempSync(join(tmpdir(), 'sb-chromium-profile-'));
    screenshots = mkdtempSync(join(tmpdir(), 'sb-queue-board-'));
    const { chromium } = await import('playwright-core');
    // a persistent context is how Playwright takes a fresh --user-data-dir of our own
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    // only the service under test: the board's web fonts (and anything else outside) are not fetched
    await context.route('**/*', (route) => (route.request().url().startsWith(t.baseUrl) ? route.continue() : route.abort()));
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await t?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('logs in through the form, shows every queue, logs out, and is closed again', async () => {
    // not logged in: the board sends the browser to the login form
    await page.goto(`${t.baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#token', t.adminToken);
    await Promise.all([page.waitForURL(`${t.baseUrl}/admin/queues`), page.click('button[type=submit]')]);

    // the single-page app has rendered its queue list
    await page.waitForFunction(
      (names) => {
        const text = (globalThis as unknown as InBrowser).document.body.innerText;
        return names.every((name) => text.includes(name)) && !text.includes('Loading');
      },
      QUEUES,
      { timeout: 30_000 },
    );
    const cookies = await context.cookies(`${t.baseUrl}/admin/queues`);
    const session = cookies.find((c) => c.name === 'sb_queue_board');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(session!.value).not.toContain(t.adminToken);
    const shot = join(screenshots, 'queue-board.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`Queue board screenshot: ${shot}`);
    const status = await page.evaluate(async () => (await fetch('api/queues')).status);
    expect(status).toBe(200);

    // log out: the board's menu (its last header button) has "Log out", whose page asks to confirm
    await page.locator('header li').last().locator('button').click();
    await Promise.all([page.waitForURL(`${t.baseUrl}/admin/logout`), page.getByText('Log out', { exact: true }).click()]);
    await Promise.all([page.waitForURL(/\/admin\/login\?loggedOut=1$/), page.click('button[type=submit]')]);
    expect(await page.textContent('body')).toContain('You have logged out.');
    expect((await context.cookies(`${t.baseUrl}/admin/queues`)).find((c) => c.name === 'sb_queue_board')).toBeUndefined();

    // and the board is closed again
    await page.goto(`${t.baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    // the browser's cookies (none now) open nothing of the board's API either
    expect((await context.request.get(`${t.baseUrl}/admin/queues/api/queues`)).status()).toBe(401);
  }, 90_000);
});
