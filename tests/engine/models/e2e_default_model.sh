#!/usr/bin/env bash
# End-to-end (CTest label `network`): fetch the default model (models/fetch-default.sh, ~93 MB once)
# and have farsight-cli generate answer a question about resources/texts/aesop-fables.txt, as the
# README's main job does (greedy, repeat penalty 1.1). The answer's first sentence must be a sentence
# that names what the text says the Fox saw (grapes). Exit 77 (CTest: skipped) when the model cannot
# be downloaded.
# Usage: e2e_default_model.sh path/to/farsight-cli
set -uo pipefail
cli=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
model=$("$root/models/fetch-default.sh" --quiet)
rc=$?
if [[ $rc -eq 3 ]]; then echo "SKIPPED: the default model could not be downloaded (offline or no pip)"; exit 77; fi
if [[ $rc -ne 0 ]]; then echo "FAIL: models/fetch-default.sh exited $rc"; exit 1; fi
err=$(mktemp)
trap 'rm -f "$err"' EXIT
answer=$("$cli" generate --model "$model" --file "$root/resources/texts/aesop-fables.txt" \
  --prompt "What did the Fox see hanging from the vine?" --max-tokens 64 --repeat-penalty 1.1 --threads 2 2>"$err")
status=$?
echo "answer: $answer"
cat "$err"
[[ $status -eq 0 ]] || { echo "FAIL: farsight-cli exited $status"; exit 1; }
first=$(head -n1 <<<"$answer" | sed 's/\([.!?]\).*/\1/')
words=$(wc -w <<<"$first")
(( words >= 3 )) || { echo "FAIL: the first sentence has $words words"; exit 1; }
grep -qi "grape" <<<"$first" || { echo "FAIL: the first sentence does not name the grapes: $first"; exit 1; }
LC_ALL=C grep -q $'[\x01-\x08\x0e-\x1f]' <<<"$answer" && { echo "FAIL: control characters in the answer"; exit 1; }
echo "PASS"
