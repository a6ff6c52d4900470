// Lan Tỏa: the service worker of one survey response page (lantoa.surveys.public_views.
// service_worker). Its scope is the page's own folder, so it sees that page and the files the
// page loads, nothing else. Network first: a page or file fetched is kept in the cache; without
// connection the kept copy is served, so the form opens again once visited. It never touches a
// POST: answers given offline are queued by survey.js and sent by it when back online.
"use strict";
var CACHE = "{{ cache }}";
var PAGE = {{ page|safe }};
var FILES = {{ files|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(FILES); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  var family = CACHE.slice(0, CACHE.lastIndexOf("-") + 1);
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(family) === 0 && name !== CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var isPage = url.pathname === PAGE;
  if (!isPage && FILES.indexOf(url.pathname) === -1) { return; }
  var key = isPage ? PAGE : url.pathname;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE)
        .then(function (cache) { return cache.match(key); })
        .then(function (hit) { return hit || Response.error(); });
    })
  );
});
