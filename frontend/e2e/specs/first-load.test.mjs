// A first visit (issue 10): an anonymous visitor's page loads without a single console error or API request,
// every file comes compressed (brotli) with the right caching, robots.txt is a real file, and a session
// survives its 15-minute access cookie (the SPA refreshes instead of logging the user out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

test('an anonymous first visit is quiet, compressed and cacheable', async () => {
  const { context, page } = await newPage(browser);
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error.message));
  const responses = [];
  page.on('response', (response) => responses.push(response));
  await page.goto('/');
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(errors, [], 'no console error');
  const paths = responses.map((r) => new URL(r.url()).pathname);
  assert.deepEqual(paths.filter((p) => p.startsWith('/api/')), [], 'no API request before logging in');
  for (const response of responses) {
    const path = new URL(response.url()).pathname;
    assert.ok(response.status() < 400, `${path}: ${response.status()}`);
    const headers = await response.allHeaders();
    if (/\.(wasm|js|css|html|svg)$/.test(path) || path === '/') {
      assert.equal(headers['content-encoding'], 'br', `${path} is sent as brotli`);
    }
    if (/-[0-9a-f]{8,16}(_bg)?\.(js|css|wasm)$/.test(path)) {
      assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable', path);
    }
    if (path === '/') assert.equal(headers['cache-control'], 'no-cache');
  }
  assert.ok(paths.some((p) => p.endsWith('_bg.wasm')), 'the wasm was loaded');
  await context.close();

  const robots = await fetch(`${BASE_URL}/robots.txt`);
  assert.equal(robots.status, 200);
  assert.match(robots.headers.get('content-type'), /^text\/plain/);
  assert.match(await robots.text(), /^User-agent:/m);
});

test('a session outlives its access cookie: the SPA refreshes, and a stale session is forgotten quietly', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await app.register({ name: 'Iris', email: uniqueEmail('refresh'), password: PASSWORD });
  await page.waitForURL('**/account');
  await app.byTestId('consent-refuse').click();
  // The access cookie lasts 15 minutes, the session 30 days: drop the first, as the browser would.
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.name === 'jobbot_access'));
  await context.clearCookies({ name: 'jobbot_access' });
  await page.goto('/account');
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(new URL(page.url()).pathname, '/account', 'still logged in after a refresh');
  assert.ok((await context.cookies()).some((c) => c.name === 'jobbot_access'), 'a new access cookie');

  // The session ends elsewhere (its refresh cookie is gone too): the next visit shows the anonymous app and
  // drops the stale CSRF cookie, so later visits send nothing.
  await context.clearCookies({ name: 'jobbot_access' });
  await context.clearCookies({ name: 'jobbot_refresh' });
  await page.goto('/');
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  assert.ok(!(await context.cookies()).some((c) => c.name === 'jobbot_csrf'), 'the stale CSRF cookie is dropped');
  const requests = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  await page.reload();
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(requests.filter((p) => p.startsWith('/api/')), []);
  await context.close();
});
