/* The service worker (served at /sw.js by core/pwa.py, which fills in the version, the app shell and the offline
   page). Pages: network first, then the copy kept on this phone, then the offline page. Static files: from the
   cache, refreshed behind. Never kept: /api/, /admin/, anything not GET, responses marked no-store. The pages kept
   (they may show personal data) are deleted when the person signs out (static/js/pwa.js sends "clear-pages"). */
"use strict";
var VERSION = "__VERSION__";
var SHELL = __SHELL__;
var OFFLINE = __OFFLINE__;
var STATIC = __STATIC__;
var SHELL_CACHE = "vgp-shell-" + VERSION;
var PAGE_CACHE = "vgp-pages";
var MAX_PAGES = 30;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("vgp-shell-") === 0 && key !== SHELL_CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "clear-pages") { event.waitUntil(caches.delete(PAGE_CACHE)); }
});

function keepable(response) {
  var control = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && control.indexOf("no-store") < 0;
}

function keepPage(request, response) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    return cache.put(request, response).then(function () { return cache.keys(); }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (k) { return cache.delete(k); }));
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || /^\/(api|admin)\//.test(url.pathname)) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (keepable(response) && type.indexOf("text/html") === 0 && !response.redirected) {
        event.waitUntil(keepPage(request, response.clone()));
      }
      return response;
    }).catch(function () {
      return caches.match(request, {ignoreVary: true}).then(function (kept) {
        return kept || caches.match(OFFLINE);
      });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC) === 0) {
    // static files: the copy kept, refreshed behind
    event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
      return cache.match(request).then(function (kept) {
        var fresh = fetch(request).then(function (response) {
          if (keepable(response)) { cache.put(request, response.clone()); }
          return response;
        });
        if (kept) { event.waitUntil(fresh.catch(function () {})); return kept; }
        return fresh;
      });
    }));
  }
});
