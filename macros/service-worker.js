// The handbook's service worker (site root: service-worker.js, written by
// macros/offline.py from this file and the build's PRECACHE list). exercise.js
// registers it only once the learner has used an exercise, and asks it to keep
// that language: the runtime (with the language's memory snapshot, unless the
// learner saves data), the language's pages and the site's assets. Then later
// exercise pages start from the snapshot, and the handbook works offline.
//
// Pages and assets: network first (a publish shows at once), the kept copy offline.
// The runtime (assets/pyodide/<hash>/...): kept copy first; its names are hashes
// of the content, so a kept copy is never stale. A publish changes this file (its
// PRECACHE list): the browser installs the new worker, which keeps the same
// languages from the new build (reusing runtime files whose hash is unchanged)
// and deletes the old build's copy.
/* global PRECACHE */
const PREFIX = "handbook-";
const CACHE = PREFIX + PRECACHE.version;
const KEPT = PREFIX + "kept"; // which languages the learner keeps: survives publishes
const KEPT_URL = "kept-languages.json";
const RUNTIME = "/assets/pyodide/";

const site = (path) => new URL(path, self.registration.scope).href;

async function keptLanguages() {
  const response = await (await caches.open(KEPT)).match(site(KEPT_URL));
  return response ? response.json() : {};
}

async function remember(lang, snapshots) {
  const kept = await keptLanguages();
  kept[lang] = { snapshots: snapshots || !!(kept[lang] && kept[lang].snapshots) };
  await (await caches.open(KEPT)).put(site(KEPT_URL), new Response(JSON.stringify(kept)));
  return kept[lang];
}

// Store what the language needs in this build's cache; a runtime file some cache
// already holds (same hash, same bytes) is copied, not downloaded again.
async function keep(lang, { snapshots }) {
  const cache = await caches.open(CACHE);
  const wanted = [...PRECACHE.runtime, ...PRECACHE.shared, ...(PRECACHE.pages[lang] || [])];
  const snapshot = snapshots && PRECACHE.snapshots[lang];
  if (snapshot) wanted.push(snapshot.url);
  if (PRECACHE.rules[lang]) wanted.push(PRECACHE.rules[lang]);
  const missing = [];
  for (const path of wanted) {
    const url = site(path);
    if (await cache.match(url)) continue;
    const held = url.includes(RUNTIME) ? await caches.match(url) : null;
    if (held) await cache.put(url, held);
    else missing.push(url);
  }
  // All or nothing; the snapshot checked against its sha256 as it arrives.
  await cache.addAll(missing.map((url) => new Request(url, snapshot && url === site(snapshot.url)
    ? { integrity: snapshot.integrity } : {})));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const kept = await keptLanguages();
    for (const [lang, options] of Object.entries(kept)) await keep(lang, options).catch(() => {});
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE && name !== KEPT) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const { data } = event;
  const port = event.ports[0];
  if (!data || data.type !== "keep" || !port) return;
  event.waitUntil((async () => {
    try {
      await keep(data.lang, await remember(data.lang, data.snapshots));
      port.postMessage({ type: "kept" });
    } catch (err) {
      port.postMessage({ type: "failed", message: String(err && err.message ? err.message : err) });
    }
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(self.registration.scope)) return;
  if (new URL(request.url).pathname.includes(RUNTIME)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  } else {
    event.respondWith(fetch(request).catch(async () => {
      // The address as asked first (the search's worker reads its query), then any query.
      const cache = await caches.open(CACHE);
      return (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true })) || Response.error();
    }));
  }
});
