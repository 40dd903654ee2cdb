// The smoke set run through docker-compose.yml's own stack (scripts/compose-check.sh, in make test): the
// built images, PostgreSQL, two API instances and nginx in containers, reached on the published loopback ports.
// Runs only there (JOBBOT_E2E_COMPOSE=1); the refusal of the admin port to other addresses is checked by the
// script from inside the stack's network, where an address other than the gateway exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL, checkAnswerStreams } from '../support/browser.mjs';

const ADMIN_URL = process.env.JOBBOT_E2E_ADMIN_URL;
const skip = process.env.JOBBOT_E2E_COMPOSE === '1' && ADMIN_URL ? false : 'runs through scripts/compose-check.sh only';
const PASSWORD = 'Un-mot-de-passe-solide-42';

let browser;
before(async () => { if (!skip) browser = await launch(); });
after(async () => { await browser?.close(); });

async function signUp(name, prefix) {
  const { context, page } = await newPage(browser);
  page.setDefaultTimeout(20_000);
  const app = new JobBot(page);
  const email = uniqueEmail(prefix);
  await app.register({ name, email, password: PASSWORD });
  await page.waitForURL('**/account');
  return { context, page, app, email };
}

test('register, then a chat message arrives live over the WebSocket', { skip }, async () => {
  const lea = await signUp('Léa Fabre', 'lea');
  const marc = await signUp('Marc Petit', 'marc');
  await lea.page.goto('/chats');
  await lea.app.byTestId('start-chat-email').fill(marc.email);
  await lea.app.byTestId('start-chat').click();
  await lea.page.waitForURL(/\/chats\/.+/);
  await lea.app.byTestId('chat-input').waitFor();
  await marc.page.goto(new URL(lea.page.url()).pathname);
  await marc.app.byTestId('chat-input').waitFor();
  await marc.page.waitForLoadState('networkidle');
  await lea.app.byTestId('chat-input').fill('Bonjour Marc, tu as vu mon CV ?');
  await lea.app.byTestId('chat-send').click();
  await marc.app.byTestId('chat-message').filter({ hasText: 'tu as vu mon CV' }).waitFor({ timeout: 10_000 });
  await marc.app.byTestId('chat-input').fill('Oui, il est très bien.');
  await marc.app.byTestId('chat-send').click();
  await lea.app.byTestId('chat-message').filter({ hasText: 'il est très bien' }).waitFor({ timeout: 10_000 });
  await lea.context.close();
  await marc.context.close();
});

test('an answer streams through nginx: its first words show long before its end', { skip }, () => checkAnswerStreams(signUp));

test('admin routes: not on the public port, reached on the admin port from the allowed gateway', { skip }, async () => {
  for (const path of ['/api/v1/admin/users', '/metrics']) {
    const outside = await fetch(`${BASE_URL}${path}`);
    assert.equal(outside.status, 404, `${path} on the public port`);
    assert.equal((await outside.json()).code, 'not_found');
  }
  // The host's requests reach nginx from the frontend network's gateway, which JOBBOT_ADMIN_ALLOW names: the
  // request goes through to an API instance's admin listener, where the admin role is still required.
  const admin = await fetch(`${ADMIN_URL}/api/v1/admin/users`);
  assert.equal(admin.status, 401);
  assert.equal((await admin.json()).code, 'unauthenticated');
  const metrics = await fetch(`${ADMIN_URL}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^# (HELP|TYPE) /m);
});
