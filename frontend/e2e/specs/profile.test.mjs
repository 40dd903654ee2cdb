// The candidate's profile (the workspace build): filled in — lists one item a line, contracts ticked, rows of
// experience and languages added and one removed —, saved, found again after a reload, refused with the field
// named when wrong; then shown, as a part the candidate may leave out, in what the coach of an application sends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

test('fill in the profile, find it again, and see it in what the coach is given', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const app = new JobBot(page);
  await app.register({ name: 'Nora Benali', email: uniqueEmail('nora'), password: PASSWORD });
  await page.waitForURL('**/account');

  await page.goto('/profile');
  await app.byTestId('profile-form').waitFor();
  await app.byTestId('profile-headline').fill('Électricienne du bâtiment, 5 ans d’expérience');
  await app.byTestId('profile-target-jobs').fill('Électricienne\nChef de chantier électricité');
  await app.byTestId('profile-locations').fill('Lyon\n69');
  await app.byTestId('profile-contract-cdi').check();
  await app.byTestId('profile-contract-interim').check();
  await app.byTestId('profile-salary').fill('32000');
  await app.byTestId('profile-skills').fill('Habilitation électrique B1V-BR\nLecture de plans');
  await app.byTestId('profile-experience-add').click();
  await app.byTestId('profile-experience-0').fill('Électricienne');
  await app.byTestId('profile-experience-1').fill('Volta');
  await app.byTestId('profile-experience-2').fill('2021-03');
  await app.byTestId('profile-experience-4').fill('Câblage de tableaux tertiaires');
  await app.byTestId('profile-language-add').click();
  await app.byTestId('profile-language-add').click();
  await app.byTestId('profile-language-0').first().fill('Anglais');
  await app.byTestId('profile-language-1').first().fill('B1');
  await app.byTestId('profile-language-remove').last().click();
  assert.equal(await app.byTestId('profile-language').count(), 1);

  // A wrong link is refused, its field named; nothing else is lost.
  await app.byTestId('profile-links').fill('linkedin.com/in/nora');
  await app.byTestId('profile-save').click();
  await app.byTestId('profile-error').waitFor();
  assert.match(await app.byTestId('profile-error').innerText(), /links\[0\]/);
  await app.byTestId('profile-links').fill('https://www.linkedin.com/in/nora');
  await app.byTestId('profile-save').click();
  await app.byTestId('profile-saved').waitFor();

  await page.reload();
  await app.byTestId('profile-form').waitFor();
  assert.equal(await app.byTestId('profile-target-jobs').inputValue(), 'Électricienne\nChef de chantier électricité');
  assert.ok(await app.byTestId('profile-contract-interim').isChecked());
  assert.ok(!(await app.byTestId('profile-contract-cdd').isChecked()));
  assert.equal(await app.byTestId('profile-experience-1').inputValue(), 'Volta');
  assert.equal(await app.byTestId('profile-language-1').inputValue(), 'B1');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);

  // In what the coach of an application is given, and left out on request.
  await page.goto('/offers');
  await app.byTestId('offer-q').fill('électricien');
  await app.byTestId('offer-search').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=offer-total]')?.innerText.startsWith('1 '));
  await app.byTestId('offer-link').first().click();
  await app.byTestId('offer-apply').click();
  await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
  await app.byTestId('coach-start-cv').click();
  await app.byTestId('context-profile').waitFor();
  assert.match(await app.byTestId('context-profile').innerText(), /Skills: Habilitation électrique B1V-BR; Lecture de plans/);
  await page.locator('[data-testid=coach-preview] summary').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=coach-system]')?.textContent.includes("## The candidate's profile"));
  await app.byTestId('context-profile-included').uncheck();
  await page.waitForFunction(() => !document.querySelector('[data-testid=coach-system]').textContent.includes("## The candidate's profile"));
  await context.close();
});
