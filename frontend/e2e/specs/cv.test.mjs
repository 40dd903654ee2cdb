// The CV built from the profile (the workspace build, `/profile/cv`): reached from the profile, its templates
// to choose from with the chosen one's first page as a picture, and the downloads — a PDF whose bytes begin
// with `%PDF`, a DOCX that is a zip —, on a phone's screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launch, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

/** Waits until the preview picture has loaded (an image the browser could decode). */
async function previewLoaded(page, template) {
  await page.waitForFunction((id) => {
    const img = document.querySelector('[data-testid=cv-preview]');
    return img && img.src.includes(`template=${id}`) && img.complete && img.naturalWidth > 0;
  }, template);
}

test('build the CV from the profile: choose a template by its preview, download it as PDF and DOCX', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const app = new JobBot(page);
  await app.register({ name: 'Nora Benali', email: uniqueEmail('nora-cv'), password: PASSWORD });
  await page.waitForURL('**/account');

  await page.goto('/profile');
  await app.byTestId('profile-form').waitFor();
  await app.byTestId('profile-headline').fill('Électricienne du bâtiment');
  await app.byTestId('profile-skills').fill('Habilitation électrique B1V-BR\nLecture de plans');
  await app.byTestId('profile-experience-add').click();
  await app.byTestId('profile-experience-0').fill('Électricienne');
  await app.byTestId('profile-experience-1').fill('Volta');
  await app.byTestId('profile-experience-2').fill('2021-03');
  await app.byTestId('profile-save').click();
  await app.byTestId('profile-saved').waitFor();

  // From the profile to the CV page: the first template chosen, its first page shown.
  await app.byTestId('cv-builder-link').click();
  await page.waitForURL('**/profile/cv');
  await app.byTestId('cv-builder').waitFor();
  assert.equal(await app.byTestId('cv-template-sobre').isChecked(), true);
  await previewLoaded(page, 'sobre');
  assert.match(await app.byTestId('cv-builder').innerText(), /Moderne/);
  assert.match(await app.byTestId('cv-builder').innerText(), /Europass/);

  // Another template: another preview, and the downloads follow the choice.
  await app.byTestId('cv-template-moderne').check();
  await previewLoaded(page, 'moderne');
  assert.match(await app.byTestId('cv-render-pdf').getAttribute('href'), /template=moderne&format=pdf/);
  const pdf = page.waitForEvent('download');
  await app.byTestId('cv-render-pdf').click();
  const pdfDownload = await pdf;
  assert.match(pdfDownload.suggestedFilename(), /^CV Nora Benali\.pdf$/);
  const bytes = await readFile(await pdfDownload.path());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');

  const docx = page.waitForEvent('download');
  await app.byTestId('cv-render-docx').click();
  const docxBytes = await readFile(await (await docx).path());
  assert.equal(docxBytes.subarray(0, 2).toString('latin1'), 'PK', 'a DOCX is a zip');

  // Nothing wider than the phone's screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await context.close();
});
