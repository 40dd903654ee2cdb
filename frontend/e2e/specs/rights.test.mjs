// The user's rights in the browser: rectify the email, export everything (with progress), delete the account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launch, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

test('rectify, export and delete', async () => {
  const { context, page } = await newPage(browser, { acceptDownloads: true });
  const app = new JobBot(page);
  await app.register({ name: 'Lou', email: uniqueEmail('lou'), password: PASSWORD });
  await page.waitForURL('**/account');
  await app.byTestId('consent-refuse').click();

  // Rectification: a new email address, confirmed with the current password.
  const email = uniqueEmail('lou-new');
  await app.byTestId('profile-email').fill(email);
  await app.byTestId('profile-save').click();
  await app.byTestId('profile-password-error').filter({ hasText: /./ }).waitFor();
  await app.byTestId('profile-password').fill('not-my-password');
  await app.byTestId('profile-save').click();
  await app.byTestId('profile-password-error').filter({ hasText: 'mot de passe actuel est incorrect' }).waitFor();
  await app.byTestId('profile-password').fill(PASSWORD);
  await app.byTestId('profile-save').click();
  await app.byTestId('account-email').filter({ hasText: email }).waitFor();

  // Export: progress, then a zip.
  const download = page.waitForEvent('download');
  await app.byTestId('export').click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'jobbot-export.zip');
  const bytes = await readFile(await file.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip archive');
  assert.match(await app.byTestId('export-progress').textContent(), /Reçu : \d+ Ko/);

  // Deletion: a wrong password is refused beside the field; the right one deletes and shows the receipt.
  page.on('dialog', (dialog) => dialog.accept());
  await app.byTestId('delete-password').fill('not-my-password');
  await app.byTestId('delete-account').click();
  await app.byTestId('delete-password-error').filter({ hasText: 'Mot de passe incorrect' }).waitFor();
  await app.byTestId('delete-password').fill(PASSWORD);
  await app.byTestId('delete-account').click();
  await app.byTestId('farewell').waitFor();
  await app.login({ email, password: PASSWORD });
  await app.byTestId('form-error').filter({ hasText: 'E-mail ou mot de passe incorrect' }).waitFor();
  await context.close();
});
