// The SPA runs under a strict Content-Security-Policy (no inline script, no eval; WebAssembly allowed), and the
// policy is really enforced. Every other spec also fails on any violation (see support/browser.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

test('the policy is strict, sent on every response, and the app works under it', async () => {
  for (const path of ['/', '/login', '/api/v1/assistant', '/healthz']) {
    const response = await fetch(`${BASE_URL}${path}`);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/, `${path}: ${policy}`);
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      assert.ok(policy.includes(directive), `${path}: ${directive}`);
    }
    assert.ok(!policy.includes('unsafe-inline') && !policy.includes("'unsafe-eval'"), policy);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  }
  const html = await (await fetch(`${BASE_URL}/`)).text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');

  const { context, page } = await newPage(browser);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const app = new JobBot(page);
  await app.register({ name: 'Cyril', email: uniqueEmail('csp'), password: PASSWORD });
  await page.waitForURL('**/account');
  await app.byTestId('consent-refuse').click();
  for (const path of ['/assistant', '/chats', '/account', '/privacy', '/legal/terms']) {
    await page.goto(path);
    await page.locator('main h1').first().waitFor();
  }
  assert.deepEqual(errors, []);
  await context.close(); // fails on any violation
});

test('the policy is enforced: an injected inline script does not run', async () => {
  const { context, page, violations } = await newPage(browser);
  await page.goto('/');
  await page.locator('main h1').first().waitFor();
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.head.append(script);
  });
  assert.equal(await page.evaluate(() => window.__injected === true), false);
  await page.waitForTimeout(200);
  assert.ok(violations.some((v) => v.includes('script-src')), `a violation was reported: ${violations}`);
  violations.length = 0; // expected here
  await context.close();
});
