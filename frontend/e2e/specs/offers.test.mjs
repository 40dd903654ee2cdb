// The job seeker's offers (the workspace build): from the header to the search (accents and plural forms
// folded, facet counts on the filters), an offer in full, saved, then on the saved page; an offer found
// elsewhere added there, private, and deleted; a narrow phone screen without horizontal scrolling. An offer's
// fit to the profile: the score and the missing terms, raised by the profile, the search sorted by fit, and the
// coach asked about the gaps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

test('search the offers, open one, save it, add one found elsewhere', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const app = new JobBot(page);
  await app.register({ name: 'Léa Martin', email: uniqueEmail('lea'), password: PASSWORD });
  await page.waitForURL('**/account');

  // The header's link is a full page load into the workspace build.
  await app.byTestId('nav-offers').click();
  await page.waitForURL('**/offers');
  await app.byTestId('offer-card').first().waitFor();
  assert.match(await app.byTestId('offer-total').innerText(), /^24 offres$/);
  // The filters show how many offers each choice gives.
  assert.match(await page.locator('#offer-contract option[value=alternance]').innerText(), /\(2\)$/);

  // Without accents, in the plural: the electrician's offer.
  await app.byTestId('offer-q').fill('electriciens');
  await app.byTestId('offer-search').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=offer-total]')?.innerText.startsWith('1 '));
  const card = app.byTestId('offer-card');
  assert.match(await card.innerText(), /Électricien/);
  assert.match(await card.innerText(), /Intérim/);

  // A filter that leaves nothing says so.
  await app.byTestId('offer-contract').selectOption('cdi');
  await app.byTestId('no-offers').waitFor();
  await app.byTestId('offer-contract').selectOption('');
  await card.first().waitFor();

  // The offer in full; saved from there.
  await app.byTestId('offer-link').first().click();
  await page.waitForURL(/\/offers\/[0-9a-f-]{36}$/);
  await app.byTestId('offer-description').waitFor();
  assert.match(await app.byTestId('offer-description').innerText(), /Habilitation électrique/);
  const save = app.byTestId('save-offer');
  assert.equal(await save.getAttribute('aria-pressed'), 'false');
  await save.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=save-offer]')?.getAttribute('aria-pressed') === 'true');

  // On the saved page, with the form for an offer found elsewhere.
  await app.byTestId('offers-nav-saved').click();
  await page.waitForURL('**/offers/saved');
  await app.byTestId('saved-list').waitFor();
  assert.match(await app.byTestId('saved-list').innerText(), /Électricien/);
  await app.byTestId('new-offer-title').fill('Régisseuse son et lumière');
  await app.byTestId('new-offer-company').fill('Théâtre du Rond-Point');
  await app.byTestId('new-offer-url').fill('https://www.example.com/offres/42');
  await app.byTestId('new-offer-description').fill('Régie des spectacles du soir, montage et démontage.');
  await app.byTestId('new-offer-submit').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=saved-list] [data-testid=offer-card]').length === 2);

  // Private: not in the search; its owner deletes it.
  await page.goto('/offers');
  await app.byTestId('offer-q').fill('régisseuse');
  await app.byTestId('offer-search').click();
  await app.byTestId('no-offers').waitFor();
  await page.goto('/offers/saved');
  await app.byTestId('saved-list').getByText('Régisseuse son et lumière').click();
  await app.byTestId('offer-delete').click();
  await page.waitForURL('**/offers/saved');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=saved-list] [data-testid=offer-card]').length === 1);

  // Nothing wider than the phone's screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);

  // The other links of the header lead back to the main app.
  await app.byTestId('nav-assistant').click();
  await page.waitForURL('**/assistant');
  await context.close();
});

/** Searches the offers for `words` (one offer expected) and opens it. */
async function openOffer(page, app, words) {
  await page.goto('/offers');
  await app.byTestId('offer-card').first().waitFor();
  await app.byTestId('offer-q').fill(words);
  await app.byTestId('offer-search').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=offer-total]')?.innerText.startsWith('1 '));
  await app.byTestId('offer-link').first().click();
  await page.waitForURL(/\/offers\/[0-9a-f-]{36}$/);
}

test("the offer's page tells how well the profile fits and asks the coach about the gaps", async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const app = new JobBot(page);
  await app.register({ name: 'Inès Roche', email: uniqueEmail('ines'), password: PASSWORD });
  await page.waitForURL('**/account');
  await openOffer(page, app, 'electriciens');
  const offer = page.url();

  // An empty profile: nothing shown, the offer's terms all missing.
  await app.byTestId('fit-score').waitFor();
  assert.equal(await app.byTestId('fit-score').innerText(), '0 %');
  assert.match(await app.byTestId('fit-missing').innerText(), /habilitation électrique/);
  // The skills France Travail lists for it, shown and read first.
  assert.match(await app.byTestId('offer-skills').innerText(), /Lecture de plans/);
  assert.match(await app.byTestId('fit-missing').innerText(), /lecture de plans/);
  assert.equal(await app.byTestId('fit-matched').count(), 0);

  // The profile says it: every term shown, and where.
  await page.goto('/profile');
  await app.byTestId('profile-form').waitFor();
  await app.byTestId('profile-headline').fill('Électricienne du bâtiment');
  await app.byTestId('profile-skills').fill('Habilitation électrique B1V-BR\nLecture de plans\nAutonomie\nRigueur');
  await app.byTestId('profile-save').click();
  await app.byTestId('profile-saved').waitFor();
  await page.goto(offer);
  await app.byTestId('fit-score').waitFor();
  assert.equal(await app.byTestId('fit-score').innerText(), '100 %');
  assert.match(await app.byTestId('fit-matched').innerText(), /habilitation électrique · compétences/);
  assert.equal(await app.byTestId('fit-missing').count(), 0);

  // The search sorted by fit: the electrician's offer first, with its score; the same 24 offers.
  await page.goto('/offers');
  await app.byTestId('offer-card').first().waitFor();
  assert.equal(await app.byTestId('offer-fit').count(), 0);
  await app.byTestId('offer-sort').selectOption('match');
  await app.byTestId('offer-search').click();
  await app.byTestId('offer-fit').first().waitFor();
  assert.match(await app.byTestId('offer-total').innerText(), /^24 offres$/);
  assert.match(await app.byTestId('offer-card').first().innerText(), /Électricien/);
  assert.equal(await app.byTestId('offer-fit').first().innerText(), 'Adéquation : 100 %');
  const scores = await app.byTestId('offer-fit').allInnerTexts();
  const numbers = scores.map((s) => Number(s.match(/(\d+) %/)[1]));
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), `best first: ${numbers}`);

  // The gaps of another offer, asked to the coach in a conversation grounded in it.
  await openOffer(page, app, 'aide-soignant');
  await app.byTestId('fit-ask').click();
  await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
  await app.byTestId('message-user').first().waitFor();
  assert.match(await app.byTestId('message-user').first().innerText(), /Comment combler ces manques pour cette offre : aide soignant/);
  await page.locator('[data-testid=message-assistant][data-status=complete]').first().waitFor({ timeout: 30000 });
  await context.close();
});

test('a visitor is sent to the login page', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/offers/saved');
  await page.waitForURL('**/login');
  await context.close();
});
