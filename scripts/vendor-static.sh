#!/usr/bin/env bash
# Copy the front-end libraries from node_modules (installed by `npm install` from package.json / package-lock.json)
# into static/vendor/, which is committed: the platform serves its own copies and never loads them from a CDN.
# Leaflet (the maps) into static/vendor/leaflet/ with its marker clustering plugin (Leaflet.markercluster) into
# static/vendor/leaflet.markercluster/, Apache ECharts (the dashboards' charts; the "common" build: line,
# bar, pie) into static/vendor/echarts/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f node_modules/leaflet/dist/leaflet.js ] && [ -f node_modules/echarts/dist/echarts.common.min.js ] \
  && [ -f node_modules/leaflet.markercluster/dist/leaflet.markercluster.js ] || npm ci --no-audit --no-fund

src=node_modules/leaflet
dest=static/vendor/leaflet
rm -rf "$dest/images"
mkdir -p "$dest/images"
cp "$src/dist/leaflet.js" "$src/dist/leaflet.js.map" "$src/dist/leaflet.css" "$src/LICENSE" "$dest/"
cp "$src"/dist/images/*.png "$dest/images/"
echo "Leaflet $(node -p "require('./$src/package.json').version") copied into $dest (update the version in $dest/README if it changed)"

src=node_modules/echarts
dest=static/vendor/echarts
mkdir -p "$dest"
cp "$src/dist/echarts.common.min.js" "$src/LICENSE" "$src/NOTICE" "$dest/"
echo "ECharts $(node -p "require('./$src/package.json').version") copied into $dest (update the version in $dest/README if it changed)"

src=node_modules/leaflet.markercluster
dest=static/vendor/leaflet.markercluster
mkdir -p "$dest"
cp "$src/dist/leaflet.markercluster.js" "$src/dist/MarkerCluster.css" "$src/dist/MarkerCluster.Default.css" "$src/MIT-LICENCE.txt" "$dest/"
echo "Leaflet.markercluster $(node -p "require('./$src/package.json').version") copied into $dest"
