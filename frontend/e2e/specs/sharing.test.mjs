// Two users in two browser contexts: A shares a JobBot conversation into a chat with B; B sees the card
// appear without reloading, opens the transcript (personal data redacted), continues it as a copy; A revokes;
// B's card turns revoked and the transcript is gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';
const PHONE = '06 12 34 56 78';

async function signUp(name, prefix) {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  const email = uniqueEmail(prefix);
  await app.register({ name, email, password: PASSWORD });
  await page.waitForURL('**/account');
  return { context, page, app, email };
}

test('share a conversation into a chat, watch it live, continue it, revoke it', async () => {
  const ana = await signUp('Ana Martin', 'ana');
  const ben = await signUp('Ben Durand', 'ben');

  // Ana asks JobBot, with her phone number in the question.
  await ana.page.goto('/assistant');
  await ana.app.byTestId('composer-input').fill(`Mon numéro est le ${PHONE} : comment rédiger mon CV ?`);
  await ana.app.byTestId('composer-input').press('Enter');
  await ana.page.locator('[data-testid=message-assistant][data-status=complete]').waitFor();
  const conversationUrl = ana.page.url();

  // Ana opens a chat with Ben; Ben has it open too.
  await ana.page.goto('/chats');
  await ana.app.byTestId('start-chat-email').fill(ben.email);
  await ana.app.byTestId('start-chat').click();
  await ana.page.waitForURL(/\/chats\/.+/);
  await ben.page.goto('/chats');
  await ben.app.byTestId('chat-link').filter({ hasText: 'Ana Martin' }).click();
  await ben.page.waitForURL(/\/chats\/.+/);
  await ben.app.byTestId('chat-input').waitFor();
  assert.equal(await ben.app.byTestId('share-card').count(), 0);

  // Ana shares, redacting her phone number in the preview.
  await ana.page.goto(conversationUrl);
  await ana.app.byTestId('share-conversation').click();
  await ana.app.byTestId('share-dialog').waitFor();
  const phone = ana.app.byTestId('pii-item').filter({ hasText: PHONE });
  await phone.waitFor();
  await phone.getByTestId('redact').click();
  assert.equal(await phone.getByTestId('redact').getAttribute('aria-pressed'), 'true');
  await ana.app.byTestId('share-submit').click();
  await ana.page.waitForURL(/\/chats\/.+/);

  // Ben's card appears without a reload (WebSocket).
  const card = ben.app.byTestId('share-card');
  await card.waitFor({ timeout: 10_000 });
  assert.equal((await card.getByTestId('share-state').textContent()).trim(), 'actif');

  // Ben opens the transcript in another tab: the number is redacted.
  const transcript = await ben.context.newPage();
  const chatUrl = ben.page.url();
  await transcript.goto(chatUrl);
  await transcript.getByTestId('open-share').click();
  await transcript.waitForURL(/\/shares\/.+/);
  const first = transcript.getByTestId('shared-message').first();
  await first.waitFor();
  const text = await first.textContent();
  assert.match(text, /\[téléphone\]/);
  assert.doesNotMatch(text, /06 12 34 56 78/);

  // …and continues it as his own conversation.
  await transcript.getByTestId('fork-share').click();
  await transcript.waitForURL(/\/assistant\/.+/);
  await transcript.getByTestId('message-user').first().waitFor();
  assert.match(await transcript.getByTestId('message-user').first().textContent(), /\[téléphone\]/);
  assert.equal(await transcript.getByTestId('message-assistant').count(), 1);

  // Ana revokes from "My shares"; Ben's card turns revoked live, and the transcript is gone.
  await ana.page.goto('/shares');
  await ana.app.byTestId('revoke-share').click();
  await ana.app.byTestId('my-share-state').filter({ hasText: 'révoqué' }).waitFor();
  await card.getByTestId('share-state').filter({ hasText: 'révoqué' }).waitFor({ timeout: 10_000 });
  await transcript.goBack();
  await transcript.waitForURL(/\/shares\/.+/);
  await transcript.reload();
  await transcript.getByTestId('share-error').filter({ hasText: 'révoqué ou a expiré' }).waitFor();

  await ana.context.close();
  await ben.context.close();
});

test('sharing with a person by email opens the session with them', async () => {
  const cleo = await signUp('Cléo Petit', 'cleo');
  const dan = await signUp('Dan Moreau', 'dan');
  await cleo.page.goto('/assistant');
  await cleo.app.byTestId('composer-input').fill('Comment préparer un entretien ?');
  await cleo.app.byTestId('composer-input').press('Enter');
  await cleo.page.locator('[data-testid=message-assistant][data-status=complete]').waitFor();
  await cleo.app.byTestId('share-conversation').click();
  await cleo.app.byTestId('pii-none').waitFor();
  await cleo.app.byTestId('share-email').fill(dan.email);
  await cleo.app.byTestId('share-mode-live').check();
  await cleo.app.byTestId('share-submit').click();
  await cleo.page.waitForURL(/\/chats\/.+/);

  await dan.page.goto('/chats');
  await dan.app.byTestId('chat-link').filter({ hasText: 'Cléo Petit' }).click();
  const card = dan.app.byTestId('share-card');
  await card.waitFor();
  assert.match(await card.textContent(), /En direct/);
  await cleo.context.close();
  await dan.context.close();
});
