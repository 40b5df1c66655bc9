/* Platform map widget on the vendored Leaflet (static/vendor/leaflet). No build step, no framework.
 *
 * Every <div class="vmap"> becomes a map. Data attributes (all optional):
 *   data-geojson-url         FeatureCollection fetched same-origin with the session cookie. Features whose
 *                            properties.kind is "grid" are drawn as polygons (label on the map, or a tooltip when
 *                            there are many; click: go to url),
 *                            "case" as circle markers in properties.color (popup: label, state_label, link to url).
 *   data-tile-url            XYZ tile URL; empty: no tiles, a plain background with the platform's own shapes.
 *   data-tile-attribution    attribution HTML the tile provider requires.
 *   data-legend              JSON list of {"label": ..., "color": ...} shown in a corner.
 *   data-center, data-zoom   "lat,lng" and zoom used when there is nothing to fit the view to.
 *   data-pick-lat,           ids of two inputs: pin-picker mode. A click (or dragging the pin) puts the pin there
 *   data-pick-lng            and fills the inputs (6 decimals); inputs with values show the pin on load.
 *   data-locate-label        pin-picker only: label of a button that puts the pin at the device's location.
 *   data-open-label          text of the link in case popups.
 *   data-error-label         shown when the data cannot be loaded.
 *   data-locate-error-label  shown when the device's location is not available.
 * VMap.init(element) sets up one element (returns the Leaflet map); maps in content swapped in by htmx start too.
 */
(function () {
  "use strict";
  if (window.VMap || !window.L) return;

  var GRID_STYLE = { color: "#8e1414", weight: 1.5, opacity: 0.9, fillColor: "#e57373", fillOpacity: 0.15 };
  var GRID_HOVER = { weight: 3, fillOpacity: 0.3 };
  var FALLBACK_CENTER = [35.0, 105.0];
  var LABEL_LIMIT = 20; // up to this many grids carry their label on the map; more get a tooltip on hover

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    // Only same-site paths or http(s) links in popups and clicks (never javascript: URLs from data).
    return typeof url === "string" && /^(\/(?!\/)|https?:\/\/)/.test(url) ? url : null;
  }

  function parseJSON(text) {
    try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
  }

  function message(container, text) {
    var box = container.querySelector(".vmap-message");
    if (!box) {
      box = el("div", "vmap-message");
      box.setAttribute("role", "status");
      container.appendChild(box);
    }
    box.textContent = text || "";
    box.hidden = !text;
  }

  function casePopup(props, openLabel) {
    var box = el("div", "vmap-popup");
    box.appendChild(el("strong", null, props.label || ""));
    if (props.state_label) {
      var state = el("span", "vmap-state", props.state_label);
      if (props.color) state.style.borderColor = props.color;
      box.appendChild(state);
    }
    var url = safeUrl(props.url);
    if (url) {
      var link = el("a", null, openLabel || "›");
      link.href = url;
      box.appendChild(link);
    }
    return box;
  }

  function addLegend(map, items) {
    if (!Array.isArray(items) || !items.length) return;
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var list = el("ul", "vmap-legend");
      items.forEach(function (item) {
        var row = el("li");
        var swatch = el("span", "vmap-swatch");
        swatch.style.background = item.color || "#888";
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(item.label || ""));
        list.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(list);
      return list;
    };
    legend.addTo(map);
  }

  function picker(map, container) {
    var latInput = document.getElementById(container.dataset.pickLat);
    var lngInput = document.getElementById(container.dataset.pickLng);
    if (!latInput || !lngInput) return null;
    var marker = null;

    function readInputs() {
      var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      if (isNaN(lat) || isNaN(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
      return L.latLng(lat, lng);
    }
    function place(latlng, fill) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: false }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), true); });
      } else {
        marker.setLatLng(latlng);
      }
      if (fill) {
        latInput.value = latlng.lat.toFixed(6);
        lngInput.value = latlng.lng.toFixed(6);
        [latInput, lngInput].forEach(function (input) {
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
    }
    function fromInputs() {
      var latlng = readInputs();
      if (latlng) place(latlng, false);
      return latlng;
    }

    container.classList.add("vmap-picking");
    map.on("click", function (e) { place(e.latlng, true); });
    [latInput, lngInput].forEach(function (input) {
      input.addEventListener("input", function () {
        var latlng = fromInputs();
        if (latlng) map.panTo(latlng);
      });
    });

    var label = container.dataset.locateLabel;
    if (label && navigator.geolocation) {
      var locate = L.control({ position: "topright" });
      locate.onAdd = function () {
        var button = el("button", "vmap-locate", label);
        button.type = "button";
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, "click", function (e) {
          L.DomEvent.preventDefault(e);
          button.disabled = true;
          message(container, "");
          navigator.geolocation.getCurrentPosition(
            function (pos) {
              button.disabled = false;
              var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
              place(latlng, true);
              map.setView(latlng, Math.max(map.getZoom(), 16));
            },
            function () {
              button.disabled = false;
              message(container, container.dataset.locateErrorLabel || "");
            },
            { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
          );
        });
        return button;
      };
      locate.addTo(map);
    }
    return fromInputs();
  }

  function init(container) {
    if (container._vmap) return container._vmap;
    var data = container.dataset;
    var map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.5 });
    container._vmap = map;
    map.attributionControl.setPrefix("Leaflet");
    // Wheel zoom only once the map has been clicked or focused, so scrolling the page past it still works.
    map.on("focus", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });

    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
    } else {
      container.classList.add("vmap-notiles");
    }
    addLegend(map, parseJSON(data.legend));

    var center = (data.center || "").split(",").map(parseFloat);
    var zoom = parseFloat(data.zoom);
    map.setView(center.length === 2 && !isNaN(center[0]) && !isNaN(center[1]) ? center : FALLBACK_CENTER,
      isNaN(zoom) ? 4 : zoom);

    var picking = !!(data.pickLat && data.pickLng);
    var pin = picking ? picker(map, container) : null;
    if (pin) map.setView(pin, 16);

    if (!data.geojsonUrl) return map;
    fetch(data.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (collection) {
        var gridCount = (collection.features || []).filter(function (f) {
          return f.properties && f.properties.kind === "grid";
        }).length;
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            var props = feature.properties || {};
            if (props.kind === "case") return {}; // circle markers keep the options pointToLayer gave them
            return props.color ? L.extend({}, GRID_STYLE, { color: props.color, fillColor: props.color }) : GRID_STYLE;
          },
          pointToLayer: function (feature, latlng) {
            var props = feature.properties || {};
            if (props.kind !== "case") return L.marker(latlng);
            return L.circleMarker(latlng, {
              radius: 8, color: "#fff", weight: 2, fillColor: props.color || "#1565c0", fillOpacity: 0.95,
              bubblingMouseEvents: false, // a tap on a case opens its popup, and does not move a picker's pin
            });
          },
          onEachFeature: function (feature, item) {
            var props = feature.properties || {};
            if (props.kind === "case") {
              item.bindPopup(casePopup(props, data.openLabel));
            } else if (props.kind === "grid") {
              if (props.label) {
                var few = gridCount <= LABEL_LIMIT;
                item.bindTooltip(el("span", null, props.label), few
                  ? { permanent: true, direction: "center", className: "vmap-label", interactive: false }
                  : { sticky: true, direction: "top" });
              }
              item.on("mouseover", function () { item.setStyle(GRID_HOVER); });
              item.on("mouseout", function () { layer.resetStyle(item); });
              var url = safeUrl(props.url);
              if (url && !picking) item.on("click", function () { window.location.href = url; });
            }
          },
        }).addTo(map);
        var bounds = layer.getBounds();
        if (pin) return; // the pin decides the view in the picker
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
      })
      .catch(function () {
        message(container, data.errorLabel || "");
      });
    return map;
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.classList && scope.classList.contains("vmap")) init(scope);
    Array.prototype.forEach.call(scope.querySelectorAll(".vmap"), init);
  }

  window.VMap = { init: init, initAll: initAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  document.addEventListener("htmx:load", function (e) { initAll(e.target); });
})();
