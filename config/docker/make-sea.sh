#!/bin/sh
# Turns one ncc bundle into a standalone executable (a Node single-executable application), so it runs on hosts
# without Node.js (the CNI plugins run on the node itself).
# usage: make-sea.sh <bundle.js> <output-executable>
set -eu
if [ "$#" -ne 2 ]; then
  echo "usage: make-sea.sh <bundle.js> <output-executable>" >&2
  exit 2
fi
bundle=$1
out=$2
[ -f "$bundle" ] || { echo "make-sea.sh: no bundle at $bundle (run npm run bundle first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/sea.json" <<JSON
{ "main": "$bundle", "output": "$work/sea.blob", "disableExperimentalSEAWarning": true }
JSON
node --experimental-sea-config "$work/sea.json" >/dev/null 2>&1
cp "$(command -v node)" "$out"
npx --no-install postject "$out" NODE_SEA_BLOB "$work/sea.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 >/dev/null 2>&1
chmod 755 "$out"
echo "standalone: $out ($(du -h "$out" | cut -f1))"
