// The assistant in the browser: ask, watch the answer stream in, reload, see it again. Runs against the
// offline coach and against a fake Mistral upstream (whichever the server under test is configured with).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL } from '../support/browser.mjs';
import { startProxy } from '../support/proxy.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';

async function signedInChat(browser, options = {}) {
  const { context, page } = await newPage(browser, options);
  const app = new JobBot(page);
  await app.register({ name: 'Nadia Benali', email: uniqueEmail('nadia'), password: PASSWORD });
  await page.waitForURL('**/account');
  // The chat page is the workspace build's, like the account page (routed in the page): it is ready once it has
  // asked which assistant answers.
  const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/assistant');
  await app.byTestId('nav-assistant').click();
  await page.waitForURL('**/assistant');
  const info = await (await asked).json();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return { context, page, app, info };
}

/** Skips a test that needs a reply being written: the offline coach answers at once. */
async function skipOffline(t, info, context, why) {
  if (!info.offline) return false;
  t.skip(`the offline coach answers instantly: ${why}`);
  await context.close();
  return true;
}

/** Asks for a slow reply (sixty words from the fake upstream) and waits until it shows `word`. */
async function askSlowly(page, app, word) {
  await app.byTestId('composer-input').fill('Réponds lentement, s\'il te plaît');
  await app.byTestId('send').click();
  const writing = page.locator('[data-testid=message-assistant][data-status=streaming]');
  await writing.filter({ hasText: word }).waitFor();
  return writing;
}

/** Counts the changes of the last assistant message while it is being written. */
async function watchStreaming(page) {
  await page.evaluate(() => {
    window.__streamUpdates = 0;
    const list = document.querySelector('[data-testid=messages]');
    new MutationObserver(() => {
      const last = [...document.querySelectorAll('[data-testid=message-assistant]')].at(-1);
      if (last && last.dataset.status === 'streaming' && last.textContent.length > 20) window.__streamUpdates += 1;
    }).observe(list, { subtree: true, childList: true, characterData: true });
  });
}

test('ask a question, watch the answer stream in, reload and find it again', async () => {
  const { context, page, app, info } = await signedInChat(browser);
  const offline = info.offline;
  assert.equal(await app.byTestId('offline-badge').isVisible(), offline, 'the offline mode is labelled, and only then');

  await watchStreaming(page);
  const question = offline ? 'Comment préparer un entretien d\'embauche ?' : 'Comment améliorer mon CV ?';
  const streamed = page.waitForResponse((r) => r.url().includes('/messages') && r.request().method() === 'POST');
  await app.byTestId('composer-input').fill(question);
  await app.byTestId('composer-input').press('Enter');
  const response = await streamed;
  assert.equal(response.headers()['content-type'], 'text/event-stream');

  const answer = page.locator('[data-testid=message-assistant][data-status=complete]');
  await answer.waitFor();
  const text = (await answer.textContent()).trim();
  const sse = await response.text();
  assert.ok((sse.match(/event: delta/g) ?? []).length > 5, 'the answer came as a stream of deltas');
  if (offline) {
    assert.match(text, /mode hors ligne/);
    assert.match(text, /Préparer un entretien d'embauche/);
  } else {
    assert.ok(await page.evaluate(() => window.__streamUpdates) >= 3, 'the page showed the answer growing');
    assert.match(text, /Voici mes conseils concrets/);
    // Markdown is rendered, raw HTML from the model is shown as text and never runs.
    assert.equal(await answer.locator('strong').textContent(), 'concrets');
    assert.equal(await answer.locator('img').count(), 0);
    assert.match(text, /<img src=x onerror=/);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  }
  // The conversation took the question as its title.
  await app.byTestId('conversation-link').filter({ hasText: question }).waitFor();

  await page.reload();
  const again = page.locator('[data-testid=message-assistant][data-status=complete]');
  await again.waitFor();
  // The model that wrote the reply is shown under it, as the API recorded it.
  const conversation = new URL(page.url()).pathname.split('/').at(-1);
  const stored = await (await page.request.get(`/api/v1/conversations/${conversation}/messages`)).json();
  const reply = stored.items.find((m) => m.role === 'assistant');
  assert.ok(reply.model, 'the reply records its model');
  const label = again.getByTestId('reply-model');
  assert.equal(await label.getAttribute('data-model'), reply.model);
  // Its display name (the operator's) once the assistant's description has arrived — never the raw id while it
  // loads —, the provider and the model's id in the tooltip.
  const name = info.models.find((m) => m.id === reply.model).name;
  assert.notEqual((await label.textContent()).trim(), reply.model, 'the raw id never shows in place of the name');
  await label.filter({ hasText: name }).waitFor();
  assert.equal((await label.textContent()).trim(), name);
  assert.equal(await label.getAttribute('title'), `${reply.provider} · ${reply.model}`);
  assert.equal((await again.textContent()).trim(), text);
  assert.equal((await app.byTestId('message-user').textContent()).includes(question), true);
  await context.close();
});

test('pick a model: the next replies come from it, the choice survives a reload, the fallback says so', async (t) => {
  const { context, page, app, info } = await signedInChat(browser);
  if (info.models.length < 2) {
    // One model: nothing to pick, so no picker.
    assert.equal(await app.byTestId('model-picker').count(), 0);
    t.skip('the operator offers one model');
    await context.close();
    return;
  }
  const picker = app.byTestId('model-picker');
  assert.equal(await picker.inputValue(), info.model, 'the default is picked');
  assert.deepEqual(
    await picker.locator('option').allTextContents(),
    info.models.map((m) => m.name),
  );
  const large = info.models.find((m) => m.id === 'mistral-large-latest');
  // Picked before the first question: the new conversation is created with it.
  await picker.selectOption(large.id);
  const created = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/conversations' && r.request().method() === 'POST');
  await app.byTestId('composer-input').fill('Quelles questions poser en fin d\'entretien ?');
  await app.byTestId('send').click();
  assert.equal((await (await created).json()).model, large.id);
  const answer = page.locator('[data-testid=message-assistant][data-status=complete]');
  await answer.waitFor();
  const label = answer.getByTestId('reply-model');
  assert.equal(await label.getAttribute('data-model'), large.id);
  assert.match(await label.textContent(), /Mistral Large/);
  assert.equal(await answer.getByTestId('reply-fallback').count(), 0);

  // After a reload the conversation still has its model; the overloaded model gives way to the fallback,
  // and the reply says so.
  await page.reload();
  await answer.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=model-picker]')?.value === 'mistral-large-latest');
  await app.byTestId('composer-input').fill('Question en surcharge : comment négocier mon salaire ?');
  await app.byTestId('send').click();
  const second = page.locator('[data-testid=message-assistant][data-status=complete]').nth(1);
  await second.waitFor();
  assert.equal(await second.getByTestId('reply-model').getAttribute('data-model'), info.fallback_model);
  assert.match(await second.getByTestId('reply-fallback').textContent(), /modèle de secours.*Mistral Large/);

  // Changed between questions: the conversation follows at once (PATCH), the picker keeps it.
  const patched = page.waitForResponse((r) => r.request().method() === 'PATCH');
  await picker.selectOption(info.model);
  const change = await patched;
  assert.deepEqual(change.request().postDataJSON(), { model: info.model });
  assert.equal((await change.json()).model, info.model);
  await context.close();
});

test('rate a reply, change one\'s mind with a comment, find it after a reload, take it back', async () => {
  const { context, page, app } = await signedInChat(browser);
  await app.byTestId('composer-input').fill('Comment relancer un recruteur ?');
  await app.byTestId('composer-input').press('Enter');
  const answer = page.locator('[data-testid=message-assistant][data-status=complete]');
  await answer.waitFor();
  const pressed = (id) => answer.locator(`[data-testid=${id}][aria-pressed=true]`);
  assert.equal(await answer.getByTestId('rate-up').getAttribute('aria-pressed'), 'false');

  const rated = page.waitForResponse((r) => r.url().endsWith('/feedback') && r.request().method() === 'PUT');
  await answer.getByTestId('rate-up').click();
  assert.equal((await rated).status(), 200);
  await pressed('rate-up').waitFor();
  await answer.getByTestId('rate-thanks').waitFor();

  // By keyboard: thumbs down instead, then a comment.
  await answer.getByTestId('rate-down').focus();
  await page.keyboard.press('Enter');
  await pressed('rate-down').waitFor();
  assert.equal(await pressed('rate-up').count(), 0);
  await answer.getByTestId('rate-comment').click();
  await answer.getByTestId('rate-comment-input').fill('Trop général pour mon cas.');
  const commented = page.waitForResponse((r) => r.url().endsWith('/feedback') && r.request().method() === 'PUT');
  await answer.getByTestId('rate-comment-send').click();
  const sent = await commented;
  assert.deepEqual(sent.request().postDataJSON(), { rating: 'down', comment: 'Trop général pour mon cas.' });
  assert.equal((await sent.json()).comment, 'Trop général pour mon cas.');

  await page.reload();
  await answer.waitFor();
  await pressed('rate-down').waitFor();
  assert.equal(await pressed('rate-up').count(), 0);
  // Pressing the chosen one again takes the rating back.
  const removed = page.waitForResponse((r) => r.url().endsWith('/feedback') && r.request().method() === 'DELETE');
  await answer.getByTestId('rate-down').click();
  assert.equal((await removed).status(), 204);
  await answer.locator('[data-testid=rate-down][aria-pressed=false]').waitFor();
  await context.close();
});

test('a reply can be stopped, keeping what was written, then regenerated', async (t) => {
  const { context, page, app, info } = await signedInChat(browser);
  if (await skipOffline(t, info, context, 'nothing to stop')) return;
  await askSlowly(page, app, 'mot3');
  await app.byTestId('stop').click();
  const stopped = page.locator('[data-testid=message-assistant][data-status=stopped]');
  await stopped.waitFor();
  const kept = (await stopped.textContent()).trim();
  assert.match(kept, /mot3/);
  assert.doesNotMatch(kept, /mot59/);

  await page.reload();
  await page.locator('[data-testid=message-assistant][data-status=stopped]').waitFor();
  await app.byTestId('regenerate').click();
  await app.byTestId('stop').click();
  await page.locator('[data-testid=message-assistant][data-status=stopped]').waitFor();
  assert.equal(await app.byTestId('message-assistant').count(), 1, 'regenerate replaces the answer');
  await context.close();
});

/** The words `motN` of a slow reply, in order (each must appear once). */
const words = (text) => text.match(/mot\d+/g) ?? [];

test('a reload in the middle of a reply re-attaches to it: it goes on growing, nothing lost or repeated', async (t) => {
  const { context, page, app, info } = await signedInChat(browser);
  if (await skipOffline(t, info, context, 'nothing to re-attach to')) return;
  const writing = await askSlowly(page, app, 'mot4');
  const attached = page.waitForResponse((r) => r.url().endsWith('/stream') && r.request().method() === 'GET');
  await page.reload();
  assert.equal((await attached).status(), 200, 're-attached with GET …/stream');
  await writing.filter({ hasText: 'mot8' }).waitFor();
  await watchStreaming(page);
  const done = page.locator('[data-testid=message-assistant][data-status=complete]');
  await done.waitFor({ timeout: 20000 });
  assert.ok(await page.evaluate(() => window.__streamUpdates) >= 3, 'the reply kept growing after the reload');
  assert.deepEqual(words(await done.textContent()), Array.from({ length: 60 }, (_, i) => `mot${i}`));
  await context.close();
});

test('the network drops in the middle of a reply: the page re-attaches on its own once it is back', async (t) => {
  // The page talks to JobBot through a proxy the test cuts, as a lost Wi-Fi or a tunnel does.
  const proxy = await startProxy(BASE_URL);
  t.after(() => proxy.close());
  const { context, page, app, info } = await signedInChat(browser, { baseURL: proxy.url });
  if (await skipOffline(t, info, context, 'nothing to re-attach to')) return;
  await askSlowly(page, app, 'mot4');
  const attached = page.waitForResponse((r) => r.url().endsWith('/stream') && r.request().method() === 'GET');
  // Every connection is cut and none gets through for 1.5 s: the reply's stream breaks, the page keeps what it
  // has and tries again until the network is back.
  const tries = [];
  page.on('requestfailed', (r) => r.url().endsWith('/stream') && tries.push(r.failure()?.errorText));
  proxy.cut(1500);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await page.locator('[data-testid=message-assistant]').count(), 1, 'the reply stays on the page');
  const resumed = await attached;
  assert.equal(resumed.status(), 200, 're-attached with GET …/stream');
  assert.ok(tries.length >= 1, 'it tried while the network was down');
  assert.match(resumed.request().headers()['last-event-id'] ?? '', /^\d+$/, 'from what the page already had');
  const done = page.locator('[data-testid=message-assistant][data-status=complete]');
  await done.waitFor({ timeout: 20000 });
  assert.deepEqual(words(await done.textContent()), Array.from({ length: 60 }, (_, i) => `mot${i}`));
  assert.equal(await app.byTestId('chat-error').count(), 0, 'no error shown');
  await context.close();
});

test('two tabs: a question asked in one, its reply grows in both', async (t) => {
  const { context, page, app, info } = await signedInChat(browser);
  if (await skipOffline(t, info, context, 'nothing grows')) return;
  await app.byTestId('composer-input').fill('Bonjour');
  await app.byTestId('send').click();
  await page.locator('[data-testid=message-assistant][data-status=complete]').waitFor();
  // The same account in a second tab, on the same conversation.
  const other = await context.newPage();
  const socket = other.waitForEvent('websocket');
  await other.goto(page.url());
  await other.locator('[data-testid=message-assistant][data-status=complete]').waitFor();
  await socket;
  await new Promise((r) => setTimeout(r, 500));

  await app.byTestId('composer-input').fill('Réponds lentement, s\'il te plaît');
  await app.byTestId('send').click();
  const growing = other.locator('[data-testid=message-assistant][data-status=streaming]');
  await growing.filter({ hasText: 'mot3' }).waitFor();
  await growing.filter({ hasText: 'mot10' }).waitFor();
  await other.getByTestId('message-user').filter({ hasText: 'lentement' }).waitFor();
  const finished = (p) => p.locator('[data-testid=message-assistant][data-status=complete]').nth(1);
  await finished(page).waitFor({ timeout: 20000 });
  await finished(other).waitFor({ timeout: 20000 });
  assert.equal((await finished(other).textContent()).trim(), (await finished(page).textContent()).trim());
  assert.equal(words(await finished(other).textContent()).length, 60);
  await context.close();
});

test('edit a question: the answers branch, "2 / 2" arrows switch between them, by mouse and keyboard', async () => {
  const { context, page, app } = await signedInChat(browser);
  await app.byTestId('composer-input').fill('Comment préparer un entretien ?');
  await app.byTestId('composer-input').press('Enter');
  const answers = page.locator('[data-testid=message-assistant][data-status=complete]');
  await answers.first().waitFor();
  const question = app.byTestId('message-user');
  assert.equal(await app.byTestId('versions').count(), 0, 'no branch yet');

  await question.getByTestId('edit-question').click();
  await question.getByTestId('edit-question-input').fill('Comment préparer un entretien en anglais ?');
  const sent = page.waitForRequest((r) => r.url().endsWith('/messages') && r.method() === 'POST');
  await question.getByTestId('edit-question-send').click();
  const body = (await sent).postDataJSON();
  assert.equal(body.content, 'Comment préparer un entretien en anglais ?');
  assert.ok('parent_id' in body && body.parent_id === null, 'the first question is edited: parent_id null');
  await answers.first().waitFor();
  await question.getByTestId('version-place').filter({ hasText: '2 / 2' }).waitFor();
  assert.equal(await app.byTestId('message-user').count(), 1, 'one path shown');
  assert.match(await question.textContent(), /en anglais/);

  // The original, by mouse; back, by keyboard.
  await question.getByTestId('version-previous').click();
  await question.getByTestId('version-place').filter({ hasText: '1 / 2' }).waitFor();
  assert.doesNotMatch(await question.textContent(), /en anglais/);
  await answers.first().waitFor();
  await question.getByTestId('version-next').focus();
  await page.keyboard.press('Enter');
  await question.getByTestId('version-place').filter({ hasText: '2 / 2' }).waitFor();

  // The conversation remembers the branch shown; a regenerated answer is a sibling of the first one.
  await page.reload();
  await question.getByTestId('version-place').filter({ hasText: '2 / 2' }).waitFor();
  assert.match(await question.textContent(), /en anglais/);
  await answers.first().waitFor();
  await app.byTestId('regenerate').click();
  const reply = page.locator('[data-testid=message-assistant]');
  await reply.getByTestId('version-place').filter({ hasText: '2 / 2' }).waitFor();
  await reply.getByTestId('version-previous').click();
  await reply.getByTestId('version-place').filter({ hasText: '1 / 2' }).waitFor();
  await context.close();
});

test('conversations can be searched, renamed and deleted from the list', async () => {
  const { context, page, app } = await signedInChat(browser);
  await app.byTestId('composer-input').fill('Lettre de motivation pour un stage');
  await app.byTestId('composer-input').press('Enter');
  await page.locator('[data-testid=message-assistant][data-status=complete]').waitFor();

  await app.byTestId('rename-conversation').click();
  await app.byTestId('rename-input').fill('Stage chez Airbus');
  await app.byTestId('rename-input').press('Enter');
  await app.byTestId('conversation-link').filter({ hasText: 'Stage chez Airbus' }).waitFor();

  await app.byTestId('conversation-search').fill('introuvable');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=conversation-link]').length === 0);
  await app.byTestId('conversation-search').fill('airbus');
  await app.byTestId('conversation-link').first().waitFor();

  page.once('dialog', (dialog) => dialog.accept());
  await app.byTestId('delete-conversation').click();
  await page.waitForURL(/\/assistant$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=conversation-link]').length === 0);
  await context.close();
});
