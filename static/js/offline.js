/* The forms filled in the field (<form data-offline="...">: an incident report, a points entry or declaration, a
   household visit) are sent by this script: photos reduced first (static/js/photo.js), then an XMLHttpRequest
   with a progress bar. Without a signal (navigator.onLine false, or the request fails on the network) the form
   (fields and photos) is kept in IndexedDB and sent when the `online` event fires or a page is next opened with
   a signal, with the CSRF token of that page. Every form carries a client key (a UUID made here), so a form sent
   twice is stored once. The header shows "待发送 N" while forms wait. See docs/decisions/0013-pwa-offline-queue.md. */
(function () {
  "use strict";
  var DB_NAME = "vgp-offline", STORE = "forms";
  var body = document.body;
  var TEXT = {};
  try { TEXT = JSON.parse(document.getElementById("pwa-text").textContent); } catch (e) { /* no texts */ }
  var user = body.getAttribute("data-user") || "";
  var flushing = null;
  var api = {auto: true};

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("")
      .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  function csrf() {
    return body.getAttribute("data-csrf") || ((document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "");
  }

  // -- IndexedDB --------------------------------------------------------------------------------------------------
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "id", autoIncrement: true}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), result;
        var store = t.objectStore(STORE);
        var req = work(store);
        if (req) { req.onsuccess = function () { result = req.result; }; }
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }
  function items() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (i) { return i.user === user; });
    });
  }
  function put(item) { return tx("readwrite", function (s) { return s.put(item); }); }
  function remove(id) { return tx("readwrite", function (s) { return s.delete(id); }); }

  // -- what the form holds, photos reduced ------------------------------------------------------------------------
  function collect(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var entries = [], work = [], refused = null;
    data.forEach(function (value, name) {
      if (typeof value === "string") { entries.push({name: name, value: value}); return; }
      if (!value || (!value.name && !value.size)) { return; } // an empty file input
      var input = form.querySelector('input[type=file][name="' + name + '"]');
      var entry = {name: name};
      entries.push(entry);
      if (!window.vgpPhoto.looksLikeImage(value)) {
        if (input && window.vgpPhoto.photosOnly(input)) { refused = refused || {input: input, name: value.name}; }
        entry.file = value; entry.filename = value.name; entry.type = value.type;
        return;
      }
      work.push(window.vgpPhoto.reduce(value).then(function (small) {
        entry.file = small; entry.filename = small.name; entry.type = small.type;
      }, function () {
        if (input && window.vgpPhoto.photosOnly(input)) { refused = refused || {input: input, name: value.name}; }
        entry.file = value; entry.filename = value.name; entry.type = value.type;
      }));
    });
    return Promise.all(work).then(function () {
      if (refused) {
        window.vgpPhoto.showError(refused.input, window.vgpPhoto.notPhotoText(refused.name));
        refused.input.scrollIntoView({block: "center"});
        return null;
      }
      return entries;
    });
  }

  function formData(entries) {
    var data = new FormData();
    entries.forEach(function (e) {
      if (e.file) { data.append(e.name, new File([e.file], e.filename || "photo.jpg", {type: e.type || ""})); }
      else if (e.name === "csrfmiddlewaretoken") { data.append(e.name, csrf()); }
      else { data.append(e.name, e.value); }
    });
    return data;
  }

  // -- the notice, the header's count ------------------------------------------------------------------------------
  function notice(form, text, kind) {
    var box = document.getElementById("offline-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-notice";
      box.setAttribute("role", "status");
      (form || document.querySelector("main.content") || body).insertAdjacentElement(form ? "beforebegin" : "afterbegin", box);
    }
    box.className = "offline-notice " + (kind || "");
    box.textContent = text;
    box.hidden = !text;
    return box;
  }

  function refresh() {
    if (!user || !window.indexedDB) { return Promise.resolve(); }
    return items().then(function (all) {
      var waiting = all.filter(function (i) { return i.status !== "failed"; }).length;
      var failed = all.length - waiting;
      var badge = document.getElementById("offline-queue");
      if (!badge) {
        var bar = document.querySelector(".topbar");
        if (!bar) { return all; }
        badge = document.createElement("a");
        badge.id = "offline-queue";
        badge.className = "queue-badge";
        var bell = bar.querySelector(".bell");
        bar.insertBefore(badge, bell || null);
      }
      badge.hidden = all.length === 0;
      var label = (TEXT.waiting || "") + " " + all.length;
      badge.setAttribute("aria-label", label);
      badge.title = label;
      badge.innerHTML = '<svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" ' +
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M12 16V4"/>' +
        '<path d="m6 10 6-6 6 6"/><path d="M4 20h16"/></svg><span class="queue-label"></span><b class="queue-count"></b>';
      badge.querySelector(".queue-label").textContent = TEXT.waiting || "";
      badge.querySelector(".queue-count").textContent = all.length;
      badge.classList.toggle("has-failed", failed > 0);
      if (all.length) { badge.href = all[0].url; }
      var form = document.querySelector("form[data-offline]");
      if (form) { showQueued(form, all); }
      return all;
    });
  }

  function showQueued(form, all) {
    var waiting = all.filter(function (i) { return i.status !== "failed"; });
    var box = document.getElementById("offline-notice");
    if (waiting.length) {
      notice(form, (TEXT.queued || "") + "（" + (TEXT.waiting || "") + " " + waiting.length + "）", "queued");
    } else if (box && box.classList.contains("queued")) {
      box.hidden = true;
    }
    var failed = all.filter(function (i) { return i.status === "failed" && i.form === form.getAttribute("data-offline"); });
    var list = document.getElementById("offline-failed");
    if (list) { list.remove(); }
    if (!failed.length) { return; }
    list = document.createElement("div");
    list.id = "offline-failed";
    list.className = "offline-notice failed";
    failed.forEach(function (item) {
      var row = document.createElement("p");
      row.textContent = (TEXT.failed || "") + " · " + new Date(item.created).toLocaleString() + " ";
      var again = document.createElement("button");
      again.type = "button"; again.className = "btn small"; again.textContent = TEXT.restore || "";
      again.addEventListener("click", function () { restore(form, item).then(function () { return remove(item.id); }).then(refresh); });
      var drop = document.createElement("button");
      drop.type = "button"; drop.className = "btn small secondary"; drop.textContent = TEXT.discard || "";
      drop.addEventListener("click", function () { remove(item.id).then(refresh); });
      row.appendChild(again); row.appendChild(document.createTextNode(" ")); row.appendChild(drop);
      list.appendChild(row);
    });
    form.insertAdjacentElement("beforebegin", list);
  }

  // a form the server refused (a mistake in it): put back into the page to be corrected
  function restore(form, item) {
    form.reset();
    var files = {};
    item.fields.forEach(function (f) {
      if (f.name === "csrfmiddlewaretoken") { return; }
      if (f.file) { (files[f.name] = files[f.name] || []).push(new File([f.file], f.filename, {type: f.type})); return; }
      var fields = form.querySelectorAll('[name="' + f.name + '"]');
      Array.prototype.forEach.call(fields, function (el) {
        if (el.type === "radio" || el.type === "checkbox") { if (el.value === f.value) { el.checked = true; } }
        else if (el.type !== "file") { el.value = f.value; }
        el.dispatchEvent(new Event("change", {bubbles: true}));
      });
    });
    Object.keys(files).forEach(function (name) {
      var input = form.querySelector('input[type=file][name="' + name + '"]');
      if (!input || !window.DataTransfer) { return; }
      var dt = new DataTransfer();
      files[name].forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
    });
    return Promise.resolve();
  }

  // -- keep, send -------------------------------------------------------------------------------------------------
  function keep(form, entries) {
    var item = {
      user: user, url: form.action || location.href, form: form.getAttribute("data-offline"), title: document.title,
      fields: entries, created: Date.now(), status: "pending",
    };
    return put(item).then(function () {
      form.reset();
      newKey(form);
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (i) { window.vgpPhoto.showError(i, ""); });
      return refresh();
    }).then(function () {
      var box = document.getElementById("offline-notice");
      if (box) { box.scrollIntoView({block: "center"}); }
    });
  }

  /* Send one kept form: "stored" (the server stored it, or had it already), "failed" (refused: a mistake in
     it), "later" (no signal, the session ended, a server fault). */
  function send(item) {
    return fetch(item.url, {
      method: "POST", body: formData(item.fields), credentials: "same-origin",
      headers: {"X-Offline-Form": "1", "X-CSRFToken": csrf()},
    }).then(function (response) {
      if (response.headers.get("X-Offline-Redirect") !== null) { return "stored"; }
      if (response.status === 401 || response.status === 403 || response.status >= 500) { return "later"; }
      return "failed";
    }, function () { return "later"; });
  }

  function flush(options) {
    var force = options && options.force;
    if (!user || !window.indexedDB || !navigator.onLine) { return Promise.resolve(0); }
    if (flushing && !force) { return flushing; }
    var sent = 0;
    var run = items().then(function (all) {
      var pending = all.filter(function (i) { return i.status !== "failed"; });
      return pending.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) { return true; }
          return send(item).then(function (result) {
            if (result === "stored") { sent += 1; return remove(item.id).then(function () { return false; }); }
            if (result === "failed") { item.status = "failed"; return put(item).then(function () { return false; }); }
            return true;
          });
        });
      }, Promise.resolve(false));
    }).then(function () {
      flushing = null;
      return refresh();
    }).then(function () {
      if (sent) { notice(document.querySelector("form[data-offline]"), (TEXT.sent || "{n}").replace("{n}", sent), "sent"); }
      return sent;
    }, function () { flushing = null; return sent; });
    if (!force) { flushing = run; }
    return run;
  }

  // -- the form, sent now with a progress bar ----------------------------------------------------------------------
  function progressBar(form) {
    var box = form.querySelector(".upload-progress");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-progress";
      box.setAttribute("role", "status");
      box.innerHTML = '<progress max="100" value="0"></progress> <span class="upload-pct"></span>';
      var button = form.querySelector("button[type=submit], button:not([type])");
      (button || form.lastElementChild).insertAdjacentElement("beforebegin", box);
    }
    box.hidden = false;
    return {
      set: function (pct, label) {
        box.querySelector("progress").value = pct;
        box.querySelector(".upload-pct").textContent = label + (pct === null ? "" : " " + pct + "%");
      },
      hide: function () { box.hidden = true; },
    };
  }

  function upload(form, entries, bar) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || location.href);
      xhr.setRequestHeader("X-Offline-Form", "1");
      xhr.setRequestHeader("X-CSRFToken", csrf());
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.set(Math.min(99, Math.round(e.loaded * 100 / e.total)), TEXT.uploading || ""); }
      };
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { resolve(null); };
      xhr.send(formData(entries));
    });
  }

  function show(html) {
    // the page drawn again with the form's mistakes: shown as it came, its scripts run again
    document.open();
    document.write(html);
    document.close();
  }

  function newKey(form) {
    var key = form.querySelector("input[name=client_key]");
    if (key) { key.value = uuid(); }
  }

  function setUp(form) {
    newKey(form); // a page kept on the phone opens with a key of its own each time
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), window.vgpPhoto.watch);
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      var done = function () { busy = false; Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); };
      var bar = progressBar(form);
      bar.set(0, TEXT.reducing || "");
      collect(form, event.submitter).then(function (entries) {
        if (!entries) { bar.hide(); done(); return null; }
        if (!navigator.onLine || !window.indexedDB) {
          if (!window.indexedDB) { bar.hide(); done(); return null; }
          bar.hide();
          return keep(form, entries).then(done);
        }
        bar.set(0, TEXT.uploading || "");
        return upload(form, entries, bar).then(function (xhr) {
          if (xhr === null) { bar.hide(); return keep(form, entries).then(done); } // the network failed: kept
          var where = xhr.getResponseHeader("X-Offline-Redirect");
          if (where !== null) { bar.set(100, TEXT.uploading || ""); location.assign(where); return null; }
          if (xhr.status === 401) { bar.hide(); return keep(form, entries).then(done); } // signed out meanwhile
          if (xhr.status >= 500 || xhr.status === 403 || !/text\/html/.test(xhr.getResponseHeader("Content-Type") || "")) {
            bar.hide(); notice(form, TEXT.not_sent || "", "failed"); done(); return null;
          }
          show(xhr.responseText);
          return null;
        });
      }).catch(function () { bar.hide(); notice(form, TEXT.not_sent || "", "failed"); done(); });
    });
  }

  api.items = items;
  api.send = send;
  api.flush = flush;
  api.refresh = refresh;
  window.vgpOffline = api;

  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), setUp);
  if (user && window.indexedDB) {
    refresh().then(function () { if (api.auto) { flush(); } });
    window.addEventListener("online", function () { if (api.auto) { flush(); } });
  }
})();
