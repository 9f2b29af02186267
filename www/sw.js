// Offline after the first load: the page's files are cached when the service worker installs;
// a request goes to the network (refreshing the cache) and falls back to the cache when that
// fails, so a rebuilt package is picked up and a lost connection does not matter. A shipped IG
// set (pkg/sets/*.fvps) is cached the first time it is chosen, and then works offline too.
const VERSION = 'fhirval-www-2';
const FILES = [
  './',
  './index.html',
  './app.js',
  './issues.js',
  './vlist.js',
  './worker.js',
  './style.css',
  './pkg/browser.mjs',
  './pkg/core.mjs',
  './pkg/fhirval_web.mjs',
  './pkg/fhirval_bg.wasm',
  './pkg/fhirval-default.fvps',
  './pkg/sets/index.json',
];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(VERSION).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (e) => {
  if (e.request.method !== 'GET') return;
  e.respondWith(
    fetch(e.request)
      .then((r) => {
        if (r.ok && new URL(e.request.url).origin === self.location.origin) {
          const copy = r.clone();
          e.waitUntil(caches.open(VERSION).then((c) => c.put(e.request, copy)));
        }
        return r;
      })
      .catch(() => caches.match(e.request, { ignoreSearch: true }).then((hit) => hit || Response.error())),
  );
});
