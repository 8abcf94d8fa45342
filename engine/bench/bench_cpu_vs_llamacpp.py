#!/usr/bin/env python3
"""CPU speed of our engine against llama.cpp, side by side on one machine with the same GGUF and the
same thread count: prompt processing (pp, tok/s over a PP-token prompt) and generation (tg, tok/s
over TG greedy tokens). Runs alternate (ours, llama.cpp, ours, ...) and the best of N is kept, so
load from other processes on a shared machine hurts both sides alike. Prints a table, writes JSON.

Ours: farsight-cli generate --raw (its prefill_tok_s / decode_tok_s lines). llama.cpp: llama-cpp-python
(pinned 0.3.36, built from source with its default GGML_NATIVE=ON), timed around Llama.eval
(prompt in one call, then one eval + argmax per generated token, as our generator does). Usage:
  python3 engine/bench/bench_cpu_vs_llamacpp.py --cli build/cpu/engine/tools/farsight-cli \
      --model models/cache/SmolLM2-135M-Instruct.Q4_1.gguf --threads 2 --out engine/bench/results/cpu_vs_llamacpp.json
"""
import argparse
import json
import pathlib
import platform
import re
import subprocess
import time

import llama_cpp
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def prompt_of_tokens(llm, n: int) -> tuple[str, list[int]]:
    base = (ROOT / "resources" / "texts" / "aesop-fables.txt").read_text()
    text = base
    while len(llm.tokenize(text.encode(), add_bos=False)) < n:
        text += "\n" + base
    toks = llm.tokenize(text.encode(), add_bos=False)[:n]
    return llm.detokenize(toks).decode("utf-8", "ignore"), toks


def run_ours(cli: str, model: str, prompt: str, threads: int, tg: int) -> dict:
    out = subprocess.run([cli, "generate", "--model", model, "--raw", "--quiet", "--prompt", prompt, "--max-tokens", str(tg),
                          "--threads", str(threads), "--ctx", "2048", "--chunk", "512"], capture_output=True, text=True, check=True)
    kv = dict(re.findall(r"(\w+)=([\w.]+)", out.stderr))
    return {"pp_tokens": int(kv["prefill_tokens"]), "pp_tok_s": float(kv["prefill_tok_s"]),
            "tg_tokens": int(kv["decode_tokens"]), "tg_tok_s": float(kv["decode_tok_s"])}


def last_argmax(llm) -> int:
    ptr = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    return int(np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).argmax())


def run_llamacpp(llm, toks: list[int], tg: int) -> dict:
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(toks)
    t_pp = time.perf_counter() - t0
    nxt = last_argmax(llm)
    t0 = time.perf_counter()
    for _ in range(tg):  # greedy, like ours: eval + argmax per token
        llm.eval([nxt])
        nxt = last_argmax(llm)
    t_tg = time.perf_counter() - t0
    return {"pp_tokens": len(toks), "pp_tok_s": len(toks) / t_pp, "tg_tokens": tg, "tg_tok_s": tg / t_tg}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--pp", type=int, default=512)
    ap.add_argument("--tg", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "engine" / "bench" / "results" / "cpu_vs_llamacpp.json"))
    a = ap.parse_args()
    rows = []
    for th in a.threads:
        llm = llama_cpp.Llama(a.model, n_threads=th, n_threads_batch=th, n_ctx=2048, n_batch=512, n_ubatch=512,
                              logits_all=False, verbose=False)
        prompt, toks = prompt_of_tokens(llm, a.pp)
        best = {"ours": None, "llama.cpp": None}
        for _ in range(a.repeats):
            for name in ("ours", "llama.cpp"):
                r = run_ours(a.cli, a.model, prompt, th, a.tg) if name == "ours" else run_llamacpp(llm, toks, a.tg)
                b = best[name]
                best[name] = r if b is None else {**r, "pp_tok_s": max(b["pp_tok_s"], r["pp_tok_s"]),
                                                   "tg_tok_s": max(b["tg_tok_s"], r["tg_tok_s"])}
        for name, r in best.items():
            rows.append({"engine": name, "threads": th, **r})
        del llm
    load = open("/proc/loadavg").read().split()[:3]
    print(f"model={pathlib.Path(a.model).name} pp={a.pp} tg={a.tg} best_of={a.repeats} loadavg={' '.join(load)}")
    print(f"{'engine':<10} {'threads':>7} {'pp tok/s':>10} {'tg tok/s':>10}")
    for r in rows:
        print(f"{r['engine']:<10} {r['threads']:>7} {r['pp_tok_s']:>10.1f} {r['tg_tok_s']:>10.1f}")
    ratios = []
    for th in a.threads:
        o = next(r for r in rows if r["engine"] == "ours" and r["threads"] == th)
        l = next(r for r in rows if r["engine"] == "llama.cpp" and r["threads"] == th)
        ratios.append({"threads": th, "pp_ratio": o["pp_tok_s"] / l["pp_tok_s"], "tg_ratio": o["tg_tok_s"] / l["tg_tok_s"]})
        print(f"threads={th}: ours/llama.cpp pp {ratios[-1]['pp_ratio']:.2f}x  tg {ratios[-1]['tg_ratio']:.2f}x")
    pathlib.Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(a.out).write_text(json.dumps({
        "model": pathlib.Path(a.model).name, "pp": a.pp, "tg": a.tg, "best_of": a.repeats, "loadavg": load,
        "cpu": platform.processor() or platform.machine(), "llama_cpp_python": llama_cpp.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"), "rows": rows, "ratios": ratios}, indent=1) + "\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
