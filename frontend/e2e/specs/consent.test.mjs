// Consent, CNIL-style: the banner on first visit, equal choices, nothing non-essential written before or after
// a refusal, acceptance remembered, a new policy version asks again, and the transparency page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const storageOf = (page) => page.evaluate(() => ({ local: { ...localStorage }, session: sessionStorage.length }));

test('first visit: banner with equal choices, and refusing writes nothing non-essential', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await page.goto('/');
  await app.byTestId('consent-banner').waitFor();
  const sizes = await Promise.all(['consent-accept', 'consent-refuse', 'consent-customize'].map(async (id) => app.byTestId(id).boundingBox()));
  for (const box of sizes) {
    assert.ok(Math.abs(box.width - sizes[0].width) < 2 && Math.abs(box.height - sizes[0].height) < 2, 'same size and weight');
  }
  assert.deepEqual(await context.cookies(), [], 'no cookie before a choice');
  assert.deepEqual((await storageOf(page)).local, {});

  await app.byTestId('consent-refuse').click();
  await app.byTestId('consent-banner').waitFor({ state: 'detached' });
  await app.byTestId('lang-toggle').click(); // a preference that must not be stored
  const cookies = await context.cookies();
  assert.deepEqual(cookies.map((c) => c.name), ['jobbot_consent']);
  const stored = JSON.parse(decodeURIComponent(cookies[0].value));
  assert.equal(stored.p, false);
  assert.equal(stored.m, false);
  assert.deepEqual((await storageOf(page)).local, {}, 'no localStorage after refusing');

  await page.reload();
  await page.locator('footer').waitFor();
  assert.equal(await app.byTestId('consent-banner').count(), 0, 'the refusal is remembered');
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr', 'the language was not kept');
  await context.close();
});

test('accepting is remembered, preferences are used, and choices can be changed from the footer', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await page.goto('/');
  await app.byTestId('consent-customize').click();
  await app.byTestId('consent-preferences').check();
  await app.byTestId('consent-save').click();
  await app.byTestId('lang-toggle').click();
  assert.equal((await storageOf(page)).local.jobbot_locale, 'en');
  await page.reload();
  await page.locator('footer').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the preference is kept');
  assert.equal(await app.byTestId('consent-banner').count(), 0);

  // Withdrawing is as easy: the stored preference goes.
  await app.byTestId('footer-cookies').click();
  await app.byTestId('consent-refuse').click();
  assert.deepEqual((await storageOf(page)).local, {});
  await context.close();
});

test('a new policy version asks again', async () => {
  const { context, page } = await newPage(browser);
  const old = encodeURIComponent(JSON.stringify({ v: '2000-01-01', p: true, m: true, at: '2000-01-01T00:00:00Z' }));
  await context.addCookies([{ name: 'jobbot_consent', value: old, url: BASE_URL }]);
  await page.goto('/');
  await page.getByTestId('consent-banner').waitFor();
  await context.close();
});

test('a logged-in choice is recorded on the server, and the transparency page tells where data goes', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await app.register({ name: 'Rita', email: uniqueEmail('rita'), password: 'Un-mot-de-passe-solide-42' });
  await page.waitForURL('**/account');
  const recorded = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/consent') && r.request().method() === 'PUT');
  await app.byTestId('consent-accept').click();
  assert.equal((await recorded).status(), 200);
  const consent = await (await page.request.get('/api/v1/me/consent')).json();
  assert.equal(consent.current.preferences, true);
  assert.equal(consent.current.measurement, true);

  await page.goto('/privacy');
  await app.byTestId('fact-database').waitFor();
  assert.match(await app.byTestId('fact-database').textContent(), /sqlite|postgresql/);
  assert.match(await app.byTestId('fact-provider').textContent(), /offline|mistral/);
  await context.close();
});
