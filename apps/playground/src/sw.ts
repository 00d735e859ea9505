/// <reference lib="webworker" />
// The playground's service worker: it makes the page work offline once loaded. On install it
// caches every file of the build (precache.json, written by vite.config.ts), so the training
// workers and the kernel's .wasm, which the page fetches only when training starts, are there
// too. Requests go to the network first (a new deploy shows at once) and fall back to the cache.
// The page's tsconfig has the DOM's `self` too; this file runs only as a service worker.
const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = 'hnn-playground';

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch('./precache.json', { cache: 'no-store' });
      const files = (await response.json()) as string[];
      await cache.addAll(['./', ...files.map((f) => `./${f}`)]);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(sw.clients.claim());
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== sw.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      } catch (error) {
        const cached = await cache.match(request, { ignoreSearch: true });
        if (cached !== undefined) return cached;
        throw error;
      }
    })(),
  );
});
