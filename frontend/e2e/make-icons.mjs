// Draws the installable app's PNG icons from the favicon's shapes with Debian's Chromium (no image library
// needed): `node frontend/e2e/make-icons.mjs` writes frontend/public/icon-192.png, icon-512.png and
// icon-maskable-512.png (the mark inside the safe circle of a full-bleed square, for Android's masks).
// The PNGs are committed; run this again only when the favicon changes.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
const mark = (await readFile(`${publicDir}favicon.svg`, 'utf8'))
  .match(/<path[^>]*\/>/)[0];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage();
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['icon-maskable-512.png', 512, true]]) {
  // Maskable: the square is the background, the mark scaled to 60% around the centre (the safe zone is 80%).
  const svg = maskable
    ? `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="${size}" height="${size}"><rect width="64" height="64" fill="#1d4ed8"/><g transform="translate(32 32) scale(0.6) translate(-32 -35)">${mark}</g></svg>`
    : `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="${size}" height="${size}"><rect width="64" height="64" rx="14" fill="#1d4ed8"/>${mark}</svg>`;
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: `${publicDir}${name}`, omitBackground: true });
  console.log(`wrote frontend/public/${name}`);
}
await browser.close();
