// Saved searches and their alerts (the workspace build, the header and the dashboard): a candidate saves a
// search; a recruiter posts a matching offer; the server's check (every 2 s in these runs) raises an alert that
// reaches the open page live (the header's badge); the dashboard counts the new offer; /alerts lists it and reads
// it (the badge goes); the saved search reopens the search with its words and is then seen; alerts off, delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, RECRUITER } from '../support/browser.mjs';

const { skip } = RECRUITER;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('save a search, get its alert live, read it, reopen the search', { skip }, async () => {
  // A word no other offer has: this run's offer is the only match.
  const word = `zingueur${Date.now().toString(36)}`;
  const candidatePage = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const candidate = new JobBot(candidatePage.page);
  const page = candidate.page;
  await candidate.register({ name: 'Karim Mansouri', email: uniqueEmail('karim'), password: RECRUITER.password });
  await page.waitForURL('**/account');

  await page.goto('/offers');
  await candidate.byTestId('offer-card').first().waitFor();
  await candidate.byTestId('offer-q').fill(word);
  await candidate.byTestId('offer-search').click();
  await candidate.byTestId('no-offers').waitFor();
  await candidate.byTestId('save-search-open').click();
  assert.equal(await candidate.byTestId('save-search-name').inputValue(), word, 'named after its words');
  assert.ok(await candidate.byTestId('save-search-alerts').isChecked(), 'alert on by default');
  await candidate.byTestId('save-search-submit').click();
  await candidate.byTestId('save-search-done').waitFor();
  assert.equal(await candidate.byTestId('alerts-badge').count(), 0);

  // A recruiter posts a matching offer.
  const recruiterPage = await newPage(browser);
  const recruiter = new JobBot(recruiterPage.page);
  await recruiter.login({ email: RECRUITER.email, password: RECRUITER.password });
  await recruiter.page.waitForURL('**/account');
  await recruiter.page.goto('/offers/mine');
  const title = `Couvreur ${word}`;
  await recruiter.byTestId('new-offer-title').fill(title);
  await recruiter.byTestId('new-offer-company').fill('Toitures du Rhône');
  await recruiter.byTestId('new-offer-description').fill('Zinguerie et couverture sur chantiers neufs. Permis B exigé.');
  await recruiter.byTestId('new-offer-postcode').fill('69100');
  await recruiter.byTestId('new-offer-submit').click();
  await recruiter.byTestId('mine-offer').filter({ hasText: title }).waitFor();

  // The candidate's open page hears of it: the badge says 1.
  const badge = candidate.byTestId('alerts-badge');
  await badge.waitFor({ timeout: 20_000 });
  assert.match(await badge.innerText(), /^1/);

  // The dashboard (the main build) counts the new offer, and has the badge too.
  await page.goto('/');
  const news = candidate.byTestId('search-news').filter({ hasText: word });
  await news.waitFor();
  assert.match(await news.getByTestId('search-news-count').innerText(), /^1 nouvelle offre/);
  await candidate.byTestId('alerts-badge').waitFor();

  // /alerts lists the alert with its offer and reads it: the badge goes.
  await candidate.byTestId('nav-alerts').click();
  await page.waitForURL('**/alerts');
  const alert = candidate.byTestId('alert').first();
  await alert.waitFor();
  assert.match(await alert.innerText(), new RegExp(`${word} : 1 nouvelle offre`));
  assert.match(await alert.innerText(), /Nouveau/);
  assert.equal(await alert.getByTestId('alert-offer').innerText(), title);
  await page.waitForFunction(() => !document.querySelector('[data-testid=alerts-badge]'));
  const search = candidate.byTestId('saved-search').filter({ hasText: word });
  assert.match(await search.getByTestId('search-new').innerText(), /^1 nouvelle offre/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);

  // The saved search reopens the search with its words; once shown, nothing is new.
  await search.getByTestId('search-open').click();
  await page.waitForURL(/\/offers\?saved=/);
  await candidate.byTestId('from-saved').waitFor();
  assert.equal(await candidate.byTestId('offer-q').inputValue(), word);
  await candidate.byTestId('offer-card').filter({ hasText: title }).waitFor();
  assert.equal(await candidate.byTestId('offer-card').count(), 1);
  await page.goto('/alerts');
  await candidate.byTestId('saved-search').filter({ hasText: word }).waitFor();
  assert.equal(await candidate.byTestId('search-new').count(), 0, 'seen');

  // Alerts off stays off; deleted, it is gone (with its alert).
  const saved = candidate.byTestId('saved-search').filter({ hasText: word });
  const changed = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/me/saved-searches/'));
  await saved.getByTestId('search-alerts').uncheck();
  assert.equal((await changed).status(), 200);
  await page.reload();
  await candidate.byTestId('saved-search').first().waitFor();
  assert.ok(!(await candidate.byTestId('search-alerts').isChecked()));
  await candidate.byTestId('search-delete').click();
  await candidate.byTestId('no-saved-search').waitFor();
  await page.reload();
  await candidate.byTestId('no-alerts').waitFor();
  await candidate.byTestId('no-saved-search').waitFor();
  await candidatePage.context.close();

  // The offer closes again: the other specs count the sample's open offers.
  await recruiter.byTestId('mine-offer').filter({ hasText: title }).getByTestId('offer-toggle-state').click();
  await recruiter.page.waitForFunction((t) => [...document.querySelectorAll('[data-testid=mine-offer]')]
    .some((row) => row.innerText.includes(t) && row.innerText.includes('Rouvrir')), title);
  await recruiterPage.context.close();
});
