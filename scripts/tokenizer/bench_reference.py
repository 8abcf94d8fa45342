#!/usr/bin/env python3
# Throughput of the reference HF `tokenizers` (pinned 0.23.3) on the same ~1 MiB corpus and tokenizer.json
# files as engine/bench/tokenizer/bench_tokenizer, single-threaded (RAYON_NUM_THREADS=1,
# TOKENIZERS_PARALLELISM=false): encode of the whole string, encode_batch of its lines, decode. When given
# the C++ benchmark binary it runs it in the same session and prints C++/HF ratios.
# Usage: python3 scripts/tokenizer/bench_reference.py [--bench build/<dir>/engine/bench/tokenizer/bench_tokenizer]
#        [--repeat N] [--json OUT]
import os

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from importlib.metadata import version  # noqa: E402

PIN = "0.23.3"
if version("tokenizers") != PIN:
    sys.exit(f"tokenizers=={version('tokenizers')} installed, the benchmark is pinned to tokenizers=={PIN}")

from tokenizers import Tokenizer  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import BENCH, generate  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "tokenizers")
NAMES = ["gpt2", "llama3", "qwen2", "llama2-spm", "deepseek-coder", "falcon", "starcoder2"]


def best_of(fn, repeat):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def measure(name, path, text, lines, repeat):
    t0 = time.perf_counter()
    tok = Tokenizer.from_file(path)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ids = tok.encode(text, add_special_tokens=False).ids
    cold_s = time.perf_counter() - t0
    enc_s, again = best_of(lambda: tok.encode(text, add_special_tokens=False).ids, repeat)
    assert again == ids
    lines_s, _ = best_of(lambda: tok.encode_batch(lines, add_special_tokens=False), repeat)
    dec_s, _ = best_of(lambda: tok.decode(ids, skip_special_tokens=False), repeat)
    mb = len(text.encode("utf-8")) / 1e6
    return {"tokenizer": name, "tokens": len(ids), "load_s": load_s, "encode_s": enc_s, "encode_cold_s": cold_s,
            "encode_lines_s": lines_s, "decode_s": dec_s, "encode_mb_s": mb / enc_s,
            "encode_tokens_s": len(ids) / enc_s}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", help="path of the C++ bench_tokenizer binary to run in the same session")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="write the combined results here")
    args = ap.parse_args()
    text = generate(BENCH)
    # Lines as the C++ benchmark cuts them: at '\n' only, keeping it (str.splitlines cuts at \r, \x85, ...).
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]] + [parts[-1]]
    mb = len(text.encode("utf-8")) / 1e6

    cpp = {}
    if args.bench:
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            subprocess.run([args.bench, "--repeat", str(args.repeat), "--json", f.name], check=True)
            cpp = {r["tokenizer"]: r for r in json.load(open(f.name))}

    rows = []
    print(f"reference: tokenizers {PIN}, corpus {len(text.encode('utf-8'))} bytes, {len(lines)} lines, "
          f"best of {args.repeat}, single thread")
    print(f"{'tokenizer':15} {'HF MB/s':>8} {'HF lines':>9} {'HF dec':>8} {'HF load':>8} | {'C++ MB/s':>9} "
          f"{'x encode':>9} {'x lines':>8} {'x decode':>9} {'x load':>7} {'same ids':>8}")
    for name in NAMES:
        path = os.path.join(FIXTURES, name, "tokenizer.json")
        if not os.path.exists(path):
            path = os.path.join(FIXTURES, "optional", name, "tokenizer.json")
        if not os.path.exists(path):
            print(f"{name:15} (absent)")
            continue
        hf = measure(name, path, text, lines, args.repeat)
        row = {"hf": hf}
        c = cpp.get(name)
        line = (f"{name:15} {hf['encode_mb_s']:8.2f} {mb / hf['encode_lines_s']:9.2f} {mb / hf['decode_s']:8.2f} "
                f"{hf['load_s']:8.2f} |")
        if c:
            row["cpp"] = c
            row["ratio"] = {"encode": hf["encode_s"] / c["encode_s"], "lines": hf["encode_lines_s"] / c["encode_lines_s"],
                            "decode": hf["decode_s"] / c["decode_s"], "load": hf["load_s"] / c["load_s"]}
            line += (f" {c['encode_mb_s']:9.2f} {row['ratio']['encode']:9.2f} {row['ratio']['lines']:8.2f} "
                     f"{row['ratio']['decode']:9.2f} {row['ratio']['load']:7.2f} {str(c['tokens'] == hf['tokens']):>8}")
        print(line)
        rows.append(row)
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
