// The production shape (`make stack`): nginx in front of two API instances. Runs only through the stack
// (scripts/e2e.sh … stack), which sets JOBBOT_E2E_ADMIN_URL and JOBBOT_E2E_ACCESS_LOG; every other spec runs
// through it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';

import { launch, newPage, uniqueEmail, JobBot, BASE_URL, checkAnswerStreams } from '../support/browser.mjs';

const ADMIN_URL = process.env.JOBBOT_E2E_ADMIN_URL;
const ACCESS_LOG = process.env.JOBBOT_E2E_ACCESS_LOG;
const skip = ADMIN_URL && ACCESS_LOG ? false : 'runs through make stack only (scripts/e2e.sh BINARY stack)';
const PASSWORD = 'Un-mot-de-passe-solide-42';

let browser;
before(async () => { if (!skip) browser = await launch(); });
after(async () => { await browser?.close(); });

/** nginx's JSON access log, one object per line. */
const accessLog = () => fs.readFileSync(ACCESS_LOG, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

/** A GET from a chosen local address (127.0.0.2 is this machine too, but not on the admin allowlist). */
function get(url, localAddress = '127.0.0.1', headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { localAddress, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
}

async function signUp(name, prefix) {
  // Each user's browser says who it is in its User-Agent: nginx's log then tells whose socket went where.
  const agent = `jobbot-e2e-${prefix}-${Date.now()}`;
  const { context, page } = await newPage(browser, { userAgent: agent });
  const app = new JobBot(page);
  const email = uniqueEmail(prefix);
  await app.register({ name, email, password: PASSWORD });
  await page.waitForURL('**/account');
  return { context, page, app, email, agent };
}

/** The instances (upstream addresses) of the WebSockets closed so far by the browser with this User-Agent. */
const socketsOf = (agent) => accessLog()
  .filter((l) => l.path === '/api/v1/ws' && l.status === 101 && l.user_agent === agent)
  .map((l) => l.upstream);

/** nginx logs a WebSocket when it closes: waits for the agent's next line and returns its instance. */
async function nextSocketOf(agent, seen) {
  for (let i = 0; i < 50; i += 1) {
    const sockets = socketsOf(agent);
    if (sockets.length > seen) return sockets.at(-1);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no WebSocket logged for ${agent}`);
}

test('two users chat live while their sockets are held by different instances', { skip }, async () => {
  const lea = await signUp('Léa Fabre', 'lea');
  const marc = await signUp('Marc Petit', 'marc');
  await lea.page.goto('/chats');
  await lea.app.byTestId('start-chat-email').fill(marc.email);
  await lea.app.byTestId('start-chat').click();
  await lea.page.waitForURL(/\/chats\/.+/);
  await lea.app.byTestId('chat-input').waitFor();
  const chatPath = new URL(lea.page.url()).pathname;
  await marc.page.close();

  // Léa's page (and its socket) stays; Marc comes three times, each time with a new page and a new socket.
  // nginx sends each new connection to the instance with the fewest open ones (least_conn), so Marc's socket
  // is expected on the other instance; which one held each socket is read from nginx's log afterwards.
  const marcs = [];
  for (let round = 1; round <= 3; round += 1) {
    const page = await marc.context.newPage();
    page.setDefaultTimeout(15_000);
    const app = new JobBot(page);
    await page.goto(chatPath);
    await app.byTestId('chat-input').waitFor();
    await page.waitForLoadState('networkidle');
    await lea.app.byTestId('chat-input').fill(`Bonjour Marc (${round}), tu as vu mon CV ?`);
    await lea.app.byTestId('chat-send').click();
    await app.byTestId('chat-message').filter({ hasText: `Marc (${round})` }).waitFor({ timeout: 10_000 });
    await app.byTestId('chat-input').fill(`Oui (${round}), il est très bien.`);
    await app.byTestId('chat-send').click();
    await lea.app.byTestId('chat-message').filter({ hasText: `Oui (${round})` }).waitFor({ timeout: 10_000 });
    const seen = socketsOf(marc.agent).length;
    await page.close();
    marcs.push(await nextSocketOf(marc.agent, seen));
  }
  const seen = socketsOf(lea.agent).length;
  await lea.context.close();
  const leas = await nextSocketOf(lea.agent, seen);
  await marc.context.close();
  assert.ok(
    marcs.some((upstream) => upstream !== leas),
    `Marc's socket was on another instance than Léa's (${leas}) at least once: ${marcs}`,
  );
});

test('an answer streams through nginx: its first words show long before its end', { skip }, () => checkAnswerStreams(signUp));

test('admin routes: not on the public port, only from allowed addresses on the admin port', { skip }, async () => {
  for (const path of ['/api/v1/admin/users', '/metrics']) {
    const outside = await get(`${BASE_URL}${path}`);
    assert.equal(outside.status, 404, `${path} on the public port`);
    assert.equal(JSON.parse(outside.body).code, 'not_found');
    const refused = await get(`${ADMIN_URL}${path}`, '127.0.0.2');
    assert.equal(refused.status, 403, `${path} from 127.0.0.2`);
    assert.equal(refused.headers['content-type'], 'application/problem+json');
    assert.equal(JSON.parse(refused.body).code, 'admin_network');
  }
  // From an allowed address, the request reaches the API's admin listener: the admin role is still required.
  const admin = await get(`${ADMIN_URL}/api/v1/admin/users`);
  assert.equal(admin.status, 401);
  assert.equal(JSON.parse(admin.body).code, 'unauthenticated');
  // nginx replaces what a client says of its own address: had it passed this header on, the API (which
  // trusts its proxy) would see 203.0.113.7 and refuse with 403 admin_network.
  const forged = await get(`${ADMIN_URL}/api/v1/admin/users`, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' });
  assert.equal(forged.status, 401, forged.body);
  assert.equal((await get(`${ADMIN_URL}/metrics`)).status, 200);
  // The app itself is on the admin port too (its admin pages come later).
  const spa = await get(`${ADMIN_URL}/`);
  assert.equal(spa.status, 200);
  assert.match(spa.body, /<title>JobBot<\/title>/);
});

test('nginx: caching, compression, request ids, real files, and a limit on sign-in bursts', { skip }, async () => {
  const index = await fetch(`${BASE_URL}/assistant/some-conversation`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(index.status, 200, 'client routes get index.html');
  // An earlier release's addresses lead to today's, the query kept, the Location relative.
  for (const [old, now] of [['/chat', '/assistant'], ['/chat/c1?x=1', '/assistant/c1?x=1'], ['/messages', '/chats'], ['/messages/c2', '/chats/c2']]) {
    const moved = await fetch(`${BASE_URL}${old}`, { redirect: 'manual' });
    assert.equal(moved.status, 301, old);
    assert.equal(moved.headers.get('location'), now, old);
  }
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = await index.text();
  const wasm = html.match(/href="\/([^"]+_bg\.wasm)"/)?.[1];
  assert.ok(wasm, 'index.html preloads the hashed wasm');
  const asset = await fetch(`${BASE_URL}/${wasm}`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(asset.headers.get('content-type'), 'application/wasm');
  assert.ok(['br', 'gzip'].includes(asset.headers.get('content-encoding')), 'sent precompressed');
  await asset.arrayBuffer();

  const robots = await fetch(`${BASE_URL}/robots.txt`);
  assert.equal(robots.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.match(await robots.text(), /^User-agent: \*/m);
  assert.equal((await fetch(`${BASE_URL}/missing-file.js`)).status, 404);

  // A request id from nginx: returned to the client, in nginx's log and passed to the API (which returns it).
  const health = await fetch(`${BASE_URL}/readyz`);
  const id = health.headers.get('x-request-id');
  assert.match(id ?? '', /^[0-9a-f]{32}$/);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(accessLog().some((l) => l.request_id === id && l.path === '/readyz' && l.upstream), 'logged');
  // A burst of sign-ins from one address: nginx answers some itself with 429, as problem+json.
  const burst = await Promise.all(Array.from({ length: 150 }, () => fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.fr', password: 'wrong-password-123' }),
  }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.text() }))));
  const limited = burst.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, `some of the burst is refused: ${burst.map((r) => r.status)}`);
  assert.equal(limited[0].type, 'application/problem+json');
  assert.equal(JSON.parse(limited[0].body).code, 'rate_limited');
});
