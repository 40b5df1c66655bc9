/* The installable app: registers the service worker (/sw.js, the whole site's scope) and forgets the pages this
   phone kept (they may show personal data) when the person signs out or someone else signs in. */
(function () {
  "use strict";
  var PAGES = "vgp-pages";
  var user = document.body.getAttribute("data-user") || "";

  function forgetPages() {
    if (window.caches) { return caches.delete(PAGES).catch(function () {}); }
    return Promise.resolve();
  }

  try {
    var last = localStorage.getItem("vgp-user") || "";
    if (!user || last !== user) { forgetPages(); }
    if (user) { localStorage.setItem("vgp-user", user); } else { localStorage.removeItem("vgp-user"); }
  } catch (e) { /* storage refused: nothing kept to forget either */ }

  Array.prototype.forEach.call(document.querySelectorAll(".usermenu form"), function (form) {
    form.addEventListener("submit", function () { forgetPages(); });
  });

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { /* the site works without it */ });
    });
  }
})();
