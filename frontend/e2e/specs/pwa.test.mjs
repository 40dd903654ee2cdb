// The installable app: its manifest, icons and theme colour pass Chromium's own installability check, the service
// worker keeps only the builds' hashed files (never a page, never an API answer) and serves them on the next load,
// and every page of the signed-in app fits a phone screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, launchProfile, newPage, uniqueEmail, JobBot } from '../support/browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'Un-mot-de-passe-solide-42';
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|css|wasm|svg|png|ico|woff2)$/;

/** Every URL path the page's service worker caches hold. */
async function cachedPaths(page) {
  return page.evaluate(async () => {
    const paths = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

test('the home page is installable: manifest, icons, theme colour and a service worker', async () => {
  const profile = await mkdtemp(join(tmpdir(), 'jobbot-pwa-'));
  const context = await launchProfile(profile);
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto('/');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(new URL(scope).pathname, '/');

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], 'Chromium finds nothing missing to install the app');
  const { errors, data } = await cdp.send('Page.getAppManifest');
  assert.deepEqual(errors, []);
  const manifest = JSON.parse(data);
  assert.equal(manifest.short_name, 'JobBot');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/');
  const themeColour = await page.locator('meta[name=theme-color]').getAttribute('content');
  assert.equal(manifest.theme_color, themeColour);
  assert.deepEqual(manifest.icons.map((i) => i.sizes).sort(), ['192x192', '512x512', '512x512']);
  assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'), 'a maskable icon for Android');
  for (const icon of manifest.icons) {
    const response = await page.request.get(icon.src);
    assert.equal(response.status(), 200, icon.src);
    assert.equal(response.headers()['content-type'], 'image/png');
    const [width, height] = icon.sizes.split('x').map(Number);
    const png = await response.body();
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [width, height], `${icon.src} is ${icon.sizes}`);
  }
  const worker = await page.request.get('/sw.js');
  assert.equal(worker.headers()['cache-control'], 'no-cache', 'a new release\'s service worker is picked up at once');
  await context.close();
  await rm(profile, { recursive: true, force: true });
});

test('the service worker keeps the hashed build files only, and serves them on the next load', async () => {
  const { context, page } = await newPage(browser);
  const app = new JobBot(page);
  await app.register({ name: 'Inès Moreau', email: uniqueEmail('ines'), password: PASSWORD });
  await page.waitForURL('**/account');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // Controlled from the next load on: the workspace build's files and its API calls go through it.
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const asked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/assistant');
  await app.byTestId('nav-assistant').click();
  await page.waitForURL('**/assistant');
  await asked;

  const cached = await cachedPaths(page);
  assert.ok(cached.some((p) => p.endsWith('_bg.wasm')), `the wasm is kept: ${cached}`);
  for (const path of cached) {
    assert.match(path, HASHED, 'only hashed build files are kept');
    assert.ok(!path.startsWith('/api/'), 'never an API answer');
  }

  const fromWorker = [];
  page.on('response', (r) => {
    if (r.url().endsWith('_bg.wasm')) fromWorker.push(r.fromServiceWorker());
  });
  const askedAgain = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/assistant');
  await page.reload();
  await askedAgain;
  assert.ok(fromWorker.length > 0 && fromWorker.every(Boolean), `the wasm came from the service worker: ${fromWorker}`);
  await context.close();
});

test('every page of the signed-in app fits a phone screen', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const app = new JobBot(page);
  await app.register({ name: 'Léo Petit', email: uniqueEmail('leo'), password: PASSWORD });
  await page.waitForURL('**/account');
  for (const path of ['/', '/assistant', '/chats', '/shares', '/offers', '/offers/saved', '/alerts', '/applications', '/profile', '/account']) {
    await page.goto(path);
    await page.locator('main h1, main h2').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main').textContent.includes('Chargement'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px on a phone`);
  }
  await context.close();
});
