#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of the report page:
# writes a report for the default run (seed 1) and renders its index.html
# with headless Chromium (Debian package `chromium`). Not run by CI.
#
#   tools/screenshot.sh [HTML [PNG]]    default: a fresh ./daxcheck report --seed 1, docs/report.png
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v chromium >/dev/null || { echo "screenshot: needs Debian's chromium (apt-get install -y chromium)" >&2; exit 2; }
html=${1:-}
png=${2:-$root/docs/report.png}
if [ -z "$html" ]; then
    "$root/daxcheck" report --seed 1 >/dev/null
    html="$root/reports/latest/index.html"
fi
html="$(cd "$(dirname "$html")" && pwd -P)/$(basename "$html")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
raw="$profile/report.png"
# No network: the page has no external assets, and Chromium's own background
# traffic is switched off.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --screenshot="$raw" --window-size=1400,1800 \
    "file://$html" >/dev/null 2>&1
# Keep the committed PNG small: a 64-colour palette when pngquant is there.
if command -v pngquant >/dev/null; then
    pngquant --force --quality=60-90 --speed 1 --output "$png" 64 "$raw"
else
    cp "$raw" "$png"
fi
echo "wrote $png ($(stat -c %s "$png") bytes) from $html"
