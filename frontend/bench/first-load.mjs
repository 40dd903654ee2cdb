// The SPA's first load, as a first-time visitor's browser sees it (issue 10):
//   1. bytes on the wire: Debian's Chromium (playwright-core) opens the home page with an empty cache; every
//      response's encoded size (headers + compressed body) is summed, per file, with its Content-Encoding;
//      console errors of the anonymous visit are listed (there should be none);
//   2. Lighthouse (mobile preset, its simulated throttling) prints its four scores and the main timings.
// Usage: node first-load.mjs URL        (scripts/bench-spa.sh starts the server and runs this)
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/';
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const flags = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

async function bytesOnTheWire() {
  const browser = await chromium.launch({ executablePath: chromePath, args: flags });
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const responses = new Map();
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    responses.set(requestId, {
      url: response.url, status: response.status, encoding: headers['content-encoding'] ?? 'none', bytes: 0,
      body: Number(headers['content-length'] ?? 0),
    });
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const entry = responses.get(requestId);
    if (entry) entry.bytes = encodedDataLength;
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  // The app has rendered: the wasm ran and mounted the interface.
  await page.waitForSelector('main', { timeout: 30_000 });
  await page.waitForTimeout(500);
  await browser.close();
  const rows = [...responses.values()].filter((r) => !r.url.startsWith('data:'));
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  const bodies = rows.reduce((sum, r) => sum + r.body, 0);
  console.log('First load, empty cache: compressed body, and with the headers as sent:');
  for (const r of rows.sort((a, b) => b.bytes - a.bytes)) {
    console.log(`  ${String(r.body).padStart(9)} ${String(r.bytes).padStart(9)}  ${String(r.status).padStart(3)}  ${r.encoding.padEnd(5)} ${new URL(r.url).pathname}`);
  }
  console.log(`  ${String(bodies).padStart(9)} ${String(total).padStart(9)}  in all, ${rows.length} responses (goal: files <= 350,000 bytes compressed)`);
  const api = rows.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
  console.log(`API requests of an anonymous visit: ${api.length}; console errors: ${errors.length}`);
  for (const error of errors) console.log(`  console error: ${error}`);
  return { total, errors: errors.length };
}

async function lighthouseScores() {
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: flags });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
    });
    const { categories, audits } = result.lhr;
    console.log('\nLighthouse (mobile preset, simulated throttling):');
    for (const key of ['performance', 'accessibility', 'best-practices', 'seo']) {
      const goal = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 }[key];
      console.log(`  ${key.padEnd(15)} ${String(Math.round(categories[key].score * 100)).padStart(3)}  (goal >= ${goal})`);
    }
    for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'interactive']) {
      if (audits[id]) console.log(`  ${audits[id].title.padEnd(26)} ${audits[id].displayValue}`);
    }
    const failing = Object.values(audits).filter(
      (a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual'
        && a.scoreDisplayMode !== 'notApplicable',
    );
    if (failing.length > 0) {
      console.log('  audits not passed:');
      for (const a of failing) console.log(`    ${a.id} (${Math.round(a.score * 100)}): ${a.title}`);
    }
  } finally {
    await chrome.kill();
  }
}

await bytesOnTheWire();
await lighthouseScores();
