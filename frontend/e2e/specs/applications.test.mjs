// The candidate's applications (the workspace build): "Je postule" on an offer opens the new application; its
// details and next action saved; on the board a card moves with its "Déplacer vers" list from the keyboard and
// by drag and drop, each move announced and kept in the history; the list filters by status and words; an
// application made elsewhere added; the coach asked for a cover letter from the application (what is sent shown
// first, a part left out), its reply kept as a document, edited and downloaded; the offer page then leads to the
// application, and the home page's dashboard shows the next action, the counts and the conversation; a phone screen
// stacks the board's columns without horizontal scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launch, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

const column = (app, status) => app.page.locator(`[data-testid=board-column][data-status=${status}]`);

async function cardsIn(app, status) {
  return column(app, status).locator('[data-testid=application-card]').count();
}

test('apply from an offer, then follow the application on the board and in the list', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const app = new JobBot(page);
  await app.register({ name: 'Inès Durand', email: uniqueEmail('ines'), password: PASSWORD });
  await page.waitForURL('**/account');

  // From the search to the offer, saved, then "Je postule".
  await page.goto('/offers');
  await app.byTestId('offer-q').fill('électricien');
  await app.byTestId('offer-search').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=offer-total]')?.innerText.startsWith('1 '));
  await app.byTestId('offer-link').first().click();
  await page.waitForURL(/\/offers\/[0-9a-f-]{36}$/);
  const offerUrl = page.url();
  // Saved first (followed), then applied to.
  await app.byTestId('save-offer').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=save-offer]')?.getAttribute('aria-pressed') === 'true');
  await app.byTestId('offer-apply').click();
  await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
  await app.byTestId('application').waitFor();
  assert.match(await page.locator('h1').innerText(), /Électricien/);
  assert.equal(await page.locator('#application-status').inputValue(), 'to_send');

  // Details and the next action, saved.
  await app.byTestId('application-contact').fill('Mme Roux, recrutement@volta.example');
  await app.byTestId('application-next').fill('Envoyer le CV et la lettre');
  await app.byTestId('application-due').fill('2026-12-03');
  await app.byTestId('application-notes').fill('Habilitation électrique à mettre en avant.');
  await app.byTestId('application-save').click();
  await app.byTestId('application-saved').waitFor();
  await page.reload();
  await app.byTestId('application').waitFor();
  assert.equal(await app.byTestId('application-next').inputValue(), 'Envoyer le CV et la lettre');
  assert.equal(await app.byTestId('application-due').inputValue(), '2026-12-03');

  // The board: one card, "À envoyer".
  await page.goto('/applications');
  await app.byTestId('board').waitFor();
  await column(app, 'to_send').locator('[data-testid=application-card]').waitFor();
  assert.equal(await page.locator('[data-testid=board-column]').count(), 9);
  assert.match(await app.byTestId('applications-summary').innerText(), /^1 candidatures · aucune envoyée/);
  assert.match(await column(app, 'to_send').innerText(), /Envoyer le CV et la lettre — 2026-12-03/);

  // From the keyboard: focus the card's list, the next status with the arrow key.
  const move = column(app, 'to_send').locator('[data-testid=application-move]');
  await move.focus();
  await move.press("ArrowDown");
  await column(app, 'sent').locator('[data-testid=application-card]').waitFor();
  assert.equal(await cardsIn(app, 'to_send'), 0);
  assert.match(await app.byTestId('applications-announce').innerText(), /Envoyée/);
  assert.match(await app.byTestId('applications-summary').innerText(), /taux de réponse 0 %/);

  // By drag and drop, to "Entretien".
  await page.dragAndDrop(
    '[data-testid=board-column][data-status=sent] [data-testid=application-card]',
    '[data-testid=board-column][data-status=interview]',
  );
  await column(app, 'interview').locator('[data-testid=application-card]').waitFor();
  assert.match(await app.byTestId('applications-summary').innerText(), /taux de réponse 100 %/);

  // One made elsewhere, then the list with its filters.
  await app.byTestId('new-application-title').fill('Technicienne de maintenance');
  await app.byTestId('new-application-company').fill('Ateliers Rhône');
  await app.byTestId('new-application-submit').click();
  await column(app, 'to_send').locator('[data-testid=application-card]').waitFor();
  await app.byTestId('view-list').click();
  assert.equal(await app.byTestId('view-list').getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=application-row]').length === 2);
  await app.byTestId('application-filter').selectOption('interview');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=application-row]').length === 1);
  assert.match(await app.byTestId('application-row').innerText(), /Électricien/);
  await app.byTestId('application-filter').selectOption('');
  await app.byTestId('application-words').fill('rhone');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=application-row]').length === 1);
  assert.match(await app.byTestId('application-row').innerText(), /Technicienne de maintenance/);

  // Every move is in the application's history.
  await app.byTestId('application-words').fill('electricien');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=application-row]').length === 1);
  await app.byTestId('application-row').locator('a').click();
  await app.byTestId('application-history').waitFor();
  const history = await app.byTestId('application-history').innerText();
  assert.deepEqual(history.split('\n').map((line) => line.replace(/^.* — /, '')), ['À envoyer', 'Envoyée', 'Entretien']);

  // The coach, grounded in the application: before anything is sent, exactly what will be; a part left out.
  await app.byTestId('coach-start-cover_letter').click();
  await app.byTestId('context-offer').waitFor();
  await app.byTestId('context-application').waitFor();
  assert.match(await app.byTestId('coach-question').inputValue(), /lettre de motivation/);
  await page.locator('[data-testid=coach-preview] summary').click();
  const system = () => page.locator('[data-testid=coach-system]').textContent();
  await page.waitForFunction(() => document.querySelector('[data-testid=coach-system]')?.textContent.includes('Mme Roux'));
  assert.match(await system(), /## The job offer\nTitle: Électricien[^]*Habilitation électrique B1V-BR exigée/);
  await app.byTestId('context-application-included').uncheck();
  await page.waitForFunction(() => !document.querySelector('[data-testid=coach-system]').textContent.includes('Mme Roux'));
  assert.match(await system(), /Habilitation électrique/, 'the offer still goes');
  await app.byTestId('coach-send').click();
  await app.byTestId('coach-keep').waitFor();
  // The offline coach quotes the offer's requirements; a model is given the offer (the fake names it).
  const reply = await app.byTestId('coach-reply').innerText();
  assert.match(reply, /Électricien \/ Électricienne du bâtiment/);
  if (reply.includes('mode hors ligne')) assert.match(reply, /Habilitation électrique B1V-BR exigée/);
  assert.match(await app.byTestId('coach-continue').getAttribute('href'), /^\/assistant\/[0-9a-f-]{36}$/);

  // Kept as the application's cover letter, edited, downloaded as plain text.
  await app.byTestId('coach-keep').click();
  await app.byTestId('coach-kept').waitFor();
  await app.byTestId('document').waitFor();
  assert.match(await app.byTestId('document-title').innerText(), /^Lettre de motivation — Électricien/);
  await app.byTestId('document-edit').click();
  const edit = app.byTestId('document-edit-content');
  await edit.fill(`${await edit.inputValue()}\n\n**Inès Durand**`);
  await app.byTestId('document-save').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=document-content]')?.innerText.includes('Inès Durand'));
  const download = page.waitForEvent('download');
  await app.byTestId('document-download-txt').click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^lettre-de-motivation-electricien-electricienne-du-batiment-h-f\.txt$/);
  const text = await readFile(await file.path(), 'utf8');
  assert.match(text, /Électricien/);
  assert.match(text, /\n\nInès Durand\n$/, 'plain text, without the Markdown marks');

  // The offer now leads to it.
  await page.goto(offerUrl);
  await app.byTestId('offer-application').waitFor();
  assert.match(await app.byTestId('offer-application').innerText(), /Ma candidature — Entretien/);

  // The home page is the dashboard: the next action, the applications by status, the coach's conversation.
  await page.goto('/');
  await app.byTestId('dashboard').waitFor();
  await app.byTestId('next-action').waitFor();
  assert.match(await app.byTestId('next-action').innerText(), /^Envoyer le CV et la lettre — Électricien.* \(2026-12-03\)$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=status-count]').length === 2);
  const counts = await app.byTestId('status-count').allInnerTexts();
  assert.deepEqual(counts, ['À envoyer : 1', 'Entretien : 1']);
  assert.equal(await app.byTestId('response-rate').innerText(), 'Taux de réponse 100 %');
  await app.byTestId('recent-conversation').first().waitFor();
  await app.byTestId('next-action').locator('a').click();
  await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
  await app.byTestId('application').waitFor();
  await context.close();
});

test('on a phone the board stacks its columns and nothing scrolls sideways', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const app = new JobBot(page);
  await app.register({ name: 'Hugo Petit', email: uniqueEmail('hugo'), password: PASSWORD });
  await page.waitForURL('**/account');
  await page.goto('/applications');
  await app.byTestId('new-application-title').fill('Préparateur de commandes');
  await app.byTestId('new-application-submit').click();
  await column(app, 'to_send').locator('[data-testid=application-card]').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  const [first, second] = await page.locator('[data-testid=board-column]').evaluateAll((columns) =>
    columns.slice(0, 2).map((c) => c.getBoundingClientRect().top));
  assert.ok(second > first, 'the columns are stacked');
  // An application that is not theirs is not found.
  await page.goto('/applications/00000000-0000-0000-0000-000000000000');
  await app.byTestId('application-missing').waitFor();
  await context.close();
});
