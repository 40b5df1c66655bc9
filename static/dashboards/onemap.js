// The one map (一张图, templates/dashboards/map.html) on the vendored Leaflet and Leaflet.markercluster.
// Base: the places one level down drawn from the platform's own boundaries, with their names, coloured by the chosen
// indicator (five classes; grey when too few cases). Overlays: the layers the apps register (core.plugins.MapLayer),
// toggled in the layer control; points are clustered where the layer asks for it; a point with a radius gets its
// circle (a service point's 15-minute walk); a count is a numbered circle. Legends sit under the map, never on it.
(function () {
  "use strict";
  var box = document.getElementById("onemap");
  var source = document.getElementById("onemap-config");
  if (!box || !source || !window.L) return;
  var config = JSON.parse(source.textContent);
  var PALETTE = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var GOOD = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^\/(?!\/)/.test(url) ? url : null;
  }
  function fail() {
    var msg = el("div", "vmap-message", box.dataset.errorLabel);
    box.appendChild(msg);
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  var map = L.map(box, { zoomControl: true, maxZoom: 19 });
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  map.setView([35, 105], 4);
  var control = L.control.layers(null, null, { collapsed: window.innerWidth < 720 }).addTo(map);

  // -- the places, coloured by the indicator ---------------------------------------------------------------
  function breaks(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var out = [];
    for (var i = 1; i < 5; i++) out.push(sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / 5))]);
    return out;
  }
  function classOf(value, cuts) {
    var n = 0;
    while (n < cuts.length && value > cuts[n]) n++;
    return n;
  }
  function fmt(v) { return config.unit === "percent" ? v + "%" : String(v); }

  getJSON(config.places).then(function (data) {
    var values = data.features.map(function (f) { return f.properties.value; }).filter(function (v) { return v !== null && v !== undefined; });
    var cuts = values.length ? breaks(values) : [];
    var colours = config.higher ? GOOD : PALETTE;
    var places = L.geoJSON(data, {
      style: function (f) {
        var v = f.properties.value;
        var fill = v === null || v === undefined ? "#d9d9d9" : colours[classOf(v, cuts)];
        return { color: "#555", weight: 1.2, fillColor: fill, fillOpacity: 0.75 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(p.label + " · " + (p.thin && p.display !== "—" ? p.display + "（" + box.dataset.thinLabel + "）" : p.display), { sticky: true });
        var url = safeUrl(p.url);
        if (url) layer.on("click", function () { window.location.href = url + window.location.search; });
      },
    }).addTo(map);
    data.features.forEach(function (f) {
      var p = f.properties;
      if (p.lat == null) return;
      L.marker([p.lat, p.lng], {
        interactive: false,
        icon: L.divIcon({ className: "onemap-name", html: "", iconSize: null }),
      }).bindTooltip(p.label, { permanent: true, direction: "center", className: "vmap-label" }).addTo(map);
    });
    if (data.features.length) map.fitBounds(places.getBounds(), { padding: [12, 12] });
    var legend = document.querySelector("[data-choropleth-legend]");
    if (legend && cuts.length) {
      var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
      var edges = [lo].concat(cuts, [hi]);
      var seen = {};
      for (var i = 0; i < 5; i++) {
        var from = i === 0 ? edges[0] : edges[i], to = edges[i + 1];
        var text = from === to ? fmt(to) : fmt(from) + " – " + fmt(to);
        if (seen[text] || (i > 0 && edges[i] === edges[i + 1])) continue;
        seen[text] = true;
        var row = el("li");
        var sw = el("span", "vmap-swatch");
        sw.style.background = colours[classOf(to, cuts)];
        sw.style.borderRadius = "2px";
        row.appendChild(sw);
        row.appendChild(document.createTextNode(text));
        legend.appendChild(row);
      }
    }
  }).catch(fail);

  // -- the apps' layers ----------------------------------------------------------------------------------------
  var legends = document.querySelector("[data-layer-legends]");
  config.layers.forEach(function (spec) {
    var group = spec.cluster && L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 50 }) : L.layerGroup();
    control.addOverlay(group, spec.label);
    if (spec.shown) group.addTo(map);
    var loaded = false;
    function load() {
      if (loaded) return;
      loaded = true;
      getJSON(spec.url).then(function (data) {
        L.geoJSON(data, {
          style: function (f) { return { color: f.properties.color || "#8e1414", weight: f.properties.color ? 2 : 1, fillOpacity: 0.08 }; },
          pointToLayer: function (f, latlng) {
            var p = f.properties;
            if (p.kind === "count") {
              return L.marker(latlng, {
                icon: L.divIcon({ className: "onemap-count", html: "<span>" + Number(p.count) + "</span>", iconSize: [34, 34], iconAnchor: [17, 44] }),
              });
            }
            if (p.radius) {
              L.circle(latlng, { radius: p.radius, color: p.color || "#2e7d32", weight: 1, fillOpacity: 0.08 }).addTo(group);
            }
            return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1.5, fillColor: p.color || "#1e6fd9", fillOpacity: 0.95 });
          },
          onEachFeature: function (f, layer) {
            var p = f.properties;
            var popup = el("div", "vmap-popup");
            popup.appendChild(el("strong", null, p.label || ""));
            if (p.state_label) popup.appendChild(el("span", "vmap-state", p.state_label));
            if (p.detail) popup.appendChild(el("span", null, p.detail));
            var url = safeUrl(p.url);
            if (url) {
              var a = el("a", null, box.dataset.openLabel);
              a.href = url;
              popup.appendChild(a);
            }
            layer.bindPopup(popup);
          },
        }).eachLayer(function (layer) { group.addLayer(layer); });
      }).catch(fail);
    }
    if (spec.shown) load();
    map.on("overlayadd", function (e) { if (e.layer === group) load(); });
    if (legends && spec.legend && spec.legend.length) {
      var block = el("div", "legend-item");
      block.appendChild(el("strong", null, spec.label));
      var list = el("ul", "vmap-legend");
      spec.legend.forEach(function (item) {
        var row = el("li");
        var sw = el("span", "vmap-swatch");
        sw.style.background = item.color;
        row.appendChild(sw);
        row.appendChild(document.createTextNode(item.label));
        list.appendChild(row);
      });
      block.appendChild(list);
      legends.appendChild(block);
    }
  });
})();
