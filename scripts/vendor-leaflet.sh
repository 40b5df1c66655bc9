#!/usr/bin/env bash
# Copy Leaflet from node_modules (installed by `npm install` from package.json / package-lock.json) into
# static/vendor/leaflet/, which is committed: the platform serves its own copy and never loads it from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/leaflet
dest=static/vendor/leaflet
[ -f "$src/dist/leaflet.js" ] || npm ci --no-audit --no-fund
rm -rf "$dest/images"
mkdir -p "$dest/images"
cp "$src/dist/leaflet.js" "$src/dist/leaflet.js.map" "$src/dist/leaflet.css" "$src/LICENSE" "$dest/"
cp "$src"/dist/images/*.png "$dest/images/"
version=$(node -p "require('./$src/package.json').version")
echo "Leaflet $version copied into $dest (update the version in $dest/README if it changed)"
