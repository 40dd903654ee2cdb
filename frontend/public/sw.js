// JobBot's service worker (registered by every build from /sw.js, scope /). It keeps only the build's hashed files
// (name-0123456789abcdef.js, .css, .wasm…: never changed once written), so that the app starts from the cache on
// the next visit or installed on a phone. Never a page, never an API answer: those always come from the server.
const CACHE = 'jobbot-assets-v1';
// The same pattern as nginx's snippets/spa.conf and crates/api/src/spa.rs (trunk's content hashes).
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|css|wasm|svg|png|ico|woff2)$/;
// About three releases of the three builds' files; the oldest go first.
const KEEP = 40;

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')
      || !HASHED.test(url.pathname)) {
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(request);
    if (kept) return kept;
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      await cache.put(request, response.clone());
      const keys = await cache.keys();
      for (const old of keys.slice(0, Math.max(0, keys.length - KEEP))) await cache.delete(old);
    }
    return response;
  })());
});
