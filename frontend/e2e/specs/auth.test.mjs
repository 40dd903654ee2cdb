// Sign up → log in → see your own name → change the language → log out, in real Chromium against the real
// API serving the real SPA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

test('a new user signs up, logs in, sees their name, switches to English and logs out', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  const email = uniqueEmail('camille');

  // French by default.
  await page.goto('/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await app.byTestId('nav-register').waitFor();
  assert.equal((await app.byTestId('nav-register').textContent()).trim(), 'Créer un compte');

  // Sign up (the SPA logs the new user in), then log out.
  await app.register({ name: 'Camille Martin', email, password: PASSWORD });
  await page.waitForURL('**/account');
  assert.equal((await app.byTestId('account-name').textContent()).trim(), 'Camille Martin');
  await app.logout();

  // Log in again and see our own name.
  await app.login({ email, password: PASSWORD });
  await page.waitForURL('**/account');
  assert.equal((await app.byTestId('account-name').textContent()).trim(), 'Camille Martin');
  assert.equal((await app.byTestId('account-email').textContent()).trim(), email);

  // The session lives in HttpOnly cookies, never in storage readable by scripts.
  const cookies = await context.cookies();
  const access = cookies.find((c) => c.name === 'jobbot_access');
  assert.ok(access?.httpOnly, 'the access cookie is HttpOnly');
  assert.equal(access.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => localStorage.length), 0);

  // Switch to English: the interface changes at once and the choice is kept in the profile.
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await app.byTestId('lang-toggle').click();
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal((await app.byTestId('logout').textContent()).trim(), 'Log out');
  assert.equal((await saved).status(), 200);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();

  // Log out: the account page is no longer reachable.
  await app.logout();
  await page.goto('/account');
  await page.waitForURL('**/login');
  await context.close();
});

test('form errors come from the API field errors, in French', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await app.register({ name: 'Zoé', email: uniqueEmail('zoe'), password: 'motdepasse' });
  const error = app.byTestId('register-password-error');
  await error.filter({ hasText: 'trop courant' }).waitFor();
  assert.equal(await page.getByTestId('register-password').getAttribute('aria-invalid'), 'true');

  // The terms must be accepted: the API's field error shows beside the box.
  await page.getByTestId('register-password').fill(PASSWORD);
  await page.getByTestId('register-terms').uncheck();
  await page.getByTestId('register-submit').click();
  await app.byTestId('register-terms-error').filter({ hasText: 'Acceptez les conditions' }).waitFor();
  await page.goto('/legal/terms');
  await page.getByRole('heading', { level: 1, name: "Conditions d'utilisation" }).waitFor();

  await app.login({ email: uniqueEmail('nobody'), password: 'whatever-it-is' });
  await app.byTestId('form-error').filter({ hasText: 'E-mail ou mot de passe incorrect' }).waitFor();
  await context.close();
});

test('the account page works on a phone-sized screen without horizontal scrolling', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const app = new JobBot(page);
  await app.register({ name: 'Mobile User', email: uniqueEmail('mobile'), password: PASSWORD });
  await page.waitForURL('**/account');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);

  // Personal tokens: the secret is shown once and the token is listed.
  await app.byTestId('token-name').fill('Mon script');
  await app.byTestId('token-create').click();
  const secret = (await app.byTestId('token-secret-value').textContent()).trim();
  assert.match(secret, /^jbt_/);
  assert.equal(await app.byTestId('token-item').count(), 1);
  const me = await fetch(`${BASE_URL}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(me.status, 200);
  await context.close();
});
