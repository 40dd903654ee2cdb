// The admin console in the browser: an admin is led to turn on two-step sign-in (TOTP), enrols, opens the
// dashboard (charts drawn, with table alternatives), disables a candidate whose open page is then signed out,
// and finds it in the audit log and its CSV. A candidate who types /admin gets the not-found page.
// scripts/e2e.sh creates the admin account (`jobbot user create --role admin`) and passes it here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL } from '../support/browser.mjs';
import { totp } from '../support/totp.mjs';

const ADMIN_EMAIL = process.env.JOBBOT_E2E_ADMIN_EMAIL;
const ADMIN_PASSWORD = process.env.JOBBOT_E2E_ADMIN_PASSWORD;
// Behind nginx (make stack's shape) the console's API answers only on the admin port.
const CONSOLE_URL = process.env.JOBBOT_E2E_ADMIN_URL ?? BASE_URL;
const skip = !ADMIN_EMAIL && 'JOBBOT_E2E_ADMIN_EMAIL is not set (scripts/e2e.sh sets it)';
const PASSWORD = 'Un-mot-de-passe-solide-42';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an admin enrols two-step sign-in, reads the charts and disables a user, who is signed out', { skip }, async () => {
  // A candidate, signed in, with a page open.
  const candidate = await newPage(browser);
  const zoe = new JobBot(candidate.page);
  const zoeEmail = uniqueEmail('zoe');
  await zoe.register({ name: 'Zoé', email: zoeEmail, password: PASSWORD });
  await candidate.page.waitForURL('**/account');
  await zoe.byTestId('consent-refuse').click();
  await zoe.byTestId('nav-assistant').click();
  await candidate.page.waitForURL('**/assistant**');
  assert.equal(await zoe.byTestId('nav-admin').count(), 0, 'no admin link for a candidate');

  // The admin logs in on the console's origin; the header has the admin link.
  const admin = await newPage(browser, { baseURL: CONSOLE_URL, acceptDownloads: true });
  const boss = new JobBot(admin.page);
  await boss.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  await admin.page.waitForURL((url) => !url.pathname.startsWith('/login'));
  const consent = boss.byTestId('consent-refuse');
  if (await consent.isVisible()) await consent.click();
  await boss.byTestId('nav-admin').click();
  await admin.page.waitForURL('**/admin');

  // Without two-step sign-in, the console says so and leads to the setup.
  await boss.byTestId('admin-gate').filter({ hasText: 'connexion en deux étapes' }).waitFor();
  await boss.byTestId('admin-enrol').click();
  await admin.page.waitForURL('**/account/security');
  await boss.byTestId('two-step-start').click();
  await boss.byTestId('two-step-qr').locator('svg').waitFor();
  const secret = (await boss.byTestId('two-step-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  // Turning it on asks for the password too (a stolen session alone cannot enrol its own authenticator).
  await boss.byTestId('two-step-password').fill(ADMIN_PASSWORD);
  await boss.byTestId('two-step-code').fill('000000' === totp(secret) ? '111111' : '000000');
  await boss.byTestId('two-step-confirm').click();
  await boss.byTestId('security-error').filter({ hasText: /incorrect/i }).waitFor();
  await boss.byTestId('two-step-code').fill(totp(secret));
  await boss.byTestId('two-step-confirm').click();
  await boss.byTestId('recovery-codes').waitFor();
  assert.equal(await boss.byTestId('recovery-codes').locator('li').count(), 10);
  await boss.byTestId('two-step-on').waitFor();

  // The dashboard: every chart drawn as SVG, with its figures in a table.
  await boss.byTestId('to-admin').click();
  await admin.page.waitForURL('**/admin');
  await boss.byTestId('period-7').click();
  // The 30-day charts are replaced once the 7-day figures arrive: wait for those before measuring.
  await admin.page.waitForFunction(
    () => document.querySelectorAll('[data-testid="chart-people-table"] tbody tr').length === 7,
  );
  await boss.byTestId('chart-people-svg').locator('svg').waitFor();
  for (const chart of ['chart-people', 'chart-activity', 'chart-replies', 'chart-tokens', 'chart-errors', 'chart-ratings']) {
    const drawing = boss.byTestId(`${chart}-svg`).locator('svg');
    assert.equal(await drawing.count(), 1, `${chart} is drawn`);
    const box = await drawing.boundingBox();
    assert.ok(box && box.width > 200 && box.height > 80, `${chart} has a size: ${JSON.stringify(box)}`);
    assert.equal(await boss.byTestId(`${chart}-table`).locator('tbody tr').count(), 7, `${chart}: a row per day`);
  }
  assert.ok(Number(await boss.byTestId('total-signups').textContent()) >= 1, 'the sign-ups of the week count Zoé');
  assert.equal(await boss.byTestId('chart-people').getAttribute('aria-labelledby'), 'chart-people-title');
  // Two lines (sign-ups, active users) on top of the axes and ticks; the sign-up line rises today.
  const lines = boss.byTestId('chart-people-svg').locator('polyline[stroke="#1D4ED8" i], polyline[stroke="#1d4ed8"]');
  assert.ok(await lines.count() >= 1, 'the sign-ups are drawn in their colour');

  // Users: find Zoé, disable her; the reason is required.
  await boss.byTestId('admin-nav-users').click();
  await boss.byTestId('user-search').fill(zoeEmail);
  await boss.byTestId('user-search').press('Enter');
  await boss.byTestId('pager-range').filter({ hasText: '1–1 sur 1' }).waitFor();
  assert.equal(await boss.byTestId('user-row').count(), 1);
  await boss.byTestId('user-row').filter({ hasText: zoeEmail }).waitFor();
  await boss.byTestId('user-row').getByRole('link', { name: zoeEmail }).click();
  await boss.byTestId('user-email').filter({ hasText: zoeEmail }).waitFor();
  await boss.byTestId('disable-open').click();
  await boss.byTestId('disable-confirm').click();
  await admin.page.getByText('Indiquez un motif.').waitFor();
  await boss.byTestId('disable-reason').fill('Comptes multiples');
  await boss.byTestId('disable-confirm').click();
  await boss.byTestId('user-status-value').filter({ hasText: 'Désactivé — Comptes multiples' }).waitFor();

  // Zoé's open page is signed out at once (the WebSocket says session.ended).
  await candidate.page.waitForURL('**/login', { timeout: 10_000 });
  await zoe.login({ email: zoeEmail, password: PASSWORD });
  await zoe.byTestId('form-error').filter({ hasText: /désactivé/i }).waitFor();

  // The audit log has it, on screen and in the CSV download.
  await boss.byTestId('admin-nav-audit').click();
  await boss.byTestId('audit-action').filter({ hasText: 'admin.user_disabled' }).first().waitFor();
  const download = admin.page.waitForEvent('download');
  await boss.byTestId('audit-csv').click();
  const csv = await readFile(await (await download).path(), 'utf8');
  assert.match(csv.split('\n')[0], /action/);
  assert.match(csv, /admin\.user_disabled/);
  assert.match(csv, /account\.2fa_enabled/);

  // Behind nginx, the public port has no admin API: the console says where it is.
  if (CONSOLE_URL !== BASE_URL) {
    await admin.page.goto(`${BASE_URL}/admin`);
    await boss.byTestId('admin-gate').filter({ hasText: "port d'administration" }).waitFor();
    await admin.page.goto(`${CONSOLE_URL}/admin`);
  }

  // System page.
  await boss.byTestId('admin-nav-system').click();
  await boss.byTestId('system-version').filter({ hasText: /\d+\.\d+/ }).waitFor();

  await admin.context.close();
  await candidate.context.close();
});

test('a candidate who types /admin gets the not-found page, and no admin link', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await app.register({ name: 'Noé', email: uniqueEmail('noe'), password: PASSWORD });
  await page.waitForURL('**/account');
  await app.byTestId('consent-refuse').click();
  assert.equal(await app.byTestId('nav-admin').count(), 0);
  for (const path of ['/admin', '/admin/users']) {
    await page.goto(path);
    await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
    assert.equal(await app.byTestId('admin-nav-users').count(), 0);
  }
  // The two-step settings are for everyone: the account page links to them.
  await page.goto('/account');
  await app.byTestId('account-security').click();
  await page.waitForURL('**/account/security');
  await app.byTestId('two-step-off-state').waitFor();
  await context.close();
});
