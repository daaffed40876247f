// The workers' app service worker: pages open from the cache when the network is gone (shops have bad networks),
// the freshest copy when it is there (a response marked no-store is never kept). Nothing is sent from here: photos
// and hand-ins wait in the page's queue (offline.js).
const CACHE = "fieldtasks-app-v2";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(["/app/offline.js", "/app/manifest.webmanifest"])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n)))));
  self.clients.claim();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !new URL(request.url).pathname.startsWith("/app")) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected && !/no-store/.test(response.headers.get("Cache-Control") || "")) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request, {ignoreSearch: false}).then((found) => found || caches.match("/app"))),
  );
});
