/* Photos reduced on the phone before upload: the longer side at most <body data-photo-max-side> pixels (the
   signed-in person's county's setting, /settings/phone-app/, else PHOTO_MAX_SIDE), re-encoded as JPEG (quality 0.82; this also drops the EXIF block with the
   phone's GPS position). A file that is not an image, picked where only photos are taken (accept="image/*"),
   is refused at once with a message and never sent. Used by static/js/offline.js. */
(function () {
  "use strict";
  var QUALITY = 0.82;

  function maxSide() {
    var value = parseInt(document.body.getAttribute("data-photo-max-side"), 10);
    return value > 0 ? value : 1600;
  }

  function photosOnly(input) {
    // accept="image/*" only (a points entry's evidence also takes a PDF: that is passed through as it is)
    var accept = (input.getAttribute("accept") || "").split(",").map(function (a) { return a.trim(); });
    return accept.length > 0 && accept.every(function (a) { return a.indexOf("image/") === 0; });
  }

  function looksLikeImage(file) {
    return /^image\//.test(file.type || "") || (!file.type && /\.(jpe?g|png|webp|gif|bmp|heic)$/i.test(file.name));
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, {imageOrientation: "from-image"}).catch(function () { return createImageBitmap(file); });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      img.src = url;
    });
  }

  /* The reduced photo as a File (name ending .jpg); rejects when the file cannot be read as an image. */
  function reduce(file, side) {
    side = side || maxSide();
    return decode(file).then(function (image) {
      var w = image.width, h = image.height, scale = Math.min(1, side / Math.max(w, h));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * scale));
      canvas.height = Math.max(1, Math.round(h * scale));
      var pen = canvas.getContext("2d");
      pen.fillStyle = "#fff"; // a transparent PNG becomes white, not black
      pen.fillRect(0, 0, canvas.width, canvas.height);
      pen.drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) { image.close(); }
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (!blob) { reject(new Error("encode")); return; }
          var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, {type: "image/jpeg", lastModified: Date.now()}));
        }, "image/jpeg", QUALITY);
      });
    });
  }

  function notPhotoText(name) {
    var text = {};
    try { text = JSON.parse(document.getElementById("pwa-text").textContent); } catch (e) { /* no texts */ }
    return (text.not_photo || "{name}").replace("{name}", name);
  }

  function showError(input, message) {
    var box = input.parentNode.querySelector(".photo-error");
    if (!box && message) {
      box = document.createElement("ul");
      box.className = "errorlist photo-error";
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
    }
    if (box) {
      box.textContent = "";
      if (message) { var li = document.createElement("li"); li.textContent = message; box.appendChild(li); } else { box.remove(); }
    }
  }

  /* Refuse at once a file that is not a photo where only photos are taken. */
  function watch(input) {
    input.addEventListener("change", function () {
      var bad = Array.prototype.filter.call(input.files || [], function (f) { return !looksLikeImage(f); });
      if (photosOnly(input) && bad.length) {
        showError(input, notPhotoText(bad[0].name));
        input.value = "";
      } else {
        showError(input, "");
      }
    });
  }

  window.vgpPhoto = {reduce: reduce, maxSide: maxSide, photosOnly: photosOnly, looksLikeImage: looksLikeImage,
                     notPhotoText: notPhotoText, showError: showError, watch: watch};
})();
