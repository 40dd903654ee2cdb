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

/** Finds the sample electrician's offer, applies, and opens the application's coach for a CV. */
async function applyAndOpenCoach(page, app) {
  await page.goto('/offers');
  await app.byTestId('offer-q').fill('électricien');
  await app.byTestId('offer-search').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=offer-total]')?.innerText.startsWith('1 '));
  await app.byTestId('offer-link').first().click();
  await app.byTestId('offer-apply').click();
  await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
  await app.byTestId('coach-start-cv').click();
}

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
  await applyAndOpenCoach(page, app);
  await app.byTestId('context-profile').waitFor();
  assert.match(await app.byTestId('context-profile').innerText(), /Skills: Habilitation électrique B1V-BR; Lecture de plans/);
  await page.locator('[data-testid=coach-preview] summary').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=coach-system]')?.textContent.includes("## The candidate's profile"));
  await app.byTestId('context-profile-included').uncheck();
  await page.waitForFunction(() => !document.querySelector('[data-testid=coach-system]').textContent.includes("## The candidate's profile"));
  await context.close();
});

/** A one-page PDF 1.4 in Helvetica (WinAnsi), written by hand: `lines` of text, the xref computed. */
function pdf(lines) {
  const escape = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `BT /F1 12 Tf 16 TL 72 770 Td ${lines.map((l) => `(${escape(l)}) Tj T*`).join(' ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

test('upload a CV, correct its text, see it given to the coach; a fake PDF is refused', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  const app = new JobBot(page);
  await app.register({ name: 'Inès Morel', email: uniqueEmail('ines'), password: PASSWORD });
  await page.waitForURL('**/account');
  await page.goto('/profile');
  await app.byTestId('cv-none').waitFor();

  // Not a PDF: refused, in French, nothing kept.
  await app.byTestId('cv-file').setInputFiles({ name: 'cv.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Bonjour, je suis un texte.') });
  await app.byTestId('cv-error').waitFor();
  assert.match(await app.byTestId('cv-error').innerText(), /n'est pas un PDF/);
  assert.equal(await app.byTestId('cv-none').count(), 1);

  const bytes = pdf(['Inès Morel', 'Électricienne du bâtiment', 'Habilitation électrique B1V-BR']);
  await app.byTestId('cv-file').setInputFiles({ name: 'CV Inès.pdf', mimeType: 'application/pdf', buffer: bytes });
  await app.byTestId('cv-file-name').waitFor();
  assert.match(await app.byTestId('cv-file-name').innerText(), /CV Inès\.pdf · 1 p\./);
  assert.match(await app.byTestId('cv-text').inputValue(), /Électricienne du bâtiment/);
  // The file comes back byte for byte, to its owner.
  const size = await page.evaluate(async () => (await (await fetch('/api/v1/me/cv/file')).arrayBuffer()).byteLength);
  assert.equal(size, bytes.length);

  await app.byTestId('cv-text').fill('Inès Morel\nÉlectricienne du bâtiment, 6 ans\nHabilitation électrique B1V-BR');
  await app.byTestId('cv-text-save').click();
  await app.byTestId('cv-text-saved').waitFor();
  await page.reload();
  await app.byTestId('cv-file-name').waitFor();
  assert.match(await app.byTestId('cv-text').inputValue(), /6 ans/);

  // The coach of an application is given the corrected text, as a part that can be left out.
  await applyAndOpenCoach(page, app);
  await app.byTestId('context-cv').waitFor();
  assert.match(await app.byTestId('context-cv').innerText(), /Électricienne du bâtiment, 6 ans/);

  // Deleted: gone from the page and from the coach.
  await page.goto('/profile');
  await app.byTestId('cv-delete').click();
  await app.byTestId('cv-none').waitFor();
  await context.close();
});
