#!/usr/bin/env python3
"""Joins bench_gpu's JSON with baselines.py's JSON into ratio tables (Markdown + JSON).
Usage: report.py OURS.json TORCH.json OUT_PREFIX"""
import json, sys

ours, base, prefix = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
lines = [f"# GPU benchmark — {ours.get('device')} (same run)", "",
         f"device copy: ours {ours.get('copy_bandwidth_tbps', 0):.3f} TB/s, torch {base.get('copy_bandwidth_tbps', 0):.3f} TB/s", ""]
joined = {"ours": ours, "baseline": base, "ratios": {}}
if "lightning_prefill" in ours:
    lines += ["## Lightning prefill (B=1, d=128)", "", "| H | T | ours G tok·head/s | torch chunked | × torch | of HBM floor |", "|---|---|---|---|---|---|"]
    tb = {(r["heads"], r["tokens"]): r for r in base.get("lightning_prefill_torch", [])}
    for r in ours["lightning_prefill"]:
        t = tb.get((r["heads"], r["tokens"]))
        ratio = r["token_heads_per_s"] / t["token_heads_per_s"] if t else float("nan")
        lines.append(f"| {r['heads']} | {r['tokens']} | {r['token_heads_per_s']/1e9:.3f} | {t['token_heads_per_s']/1e9 if t else float('nan'):.3f} | {ratio:.2f} | {r['token_heads_per_s']/r['hbm_floor_token_heads_per_s']:.2f} |")
if "lightning_decode" in ours:
    lines += ["", "## Lightning decode (H=64)", "", "| batch | µs | state TB/s |", "|---|---|---|"]
    for r in ours["lightning_decode"]:
        lines.append(f"| {r['batch']} | {r['us']:.1f} | {r['state_tb_per_s']:.3f} |")
if "attention" in ours:
    lines += ["", "## Softmax attention (GQA 64/8, d=128)", "", "| T | S | ours TFLOP/s | SDPA TFLOP/s | ratio |", "|---|---|---|---|---|"]
    tb = {(r["q_tokens"], r["kv_tokens"]): r for r in base.get("attention_sdpa", [])}
    for r in ours["attention"]:
        t = tb.get((r["q_tokens"], r["kv_tokens"]))
        lines.append(f"| {r['q_tokens']} | {r['kv_tokens']} | {r['tflops']:.2f} | {t['tflops'] if t else float('nan'):.1f} | {r['tflops']/t['tflops'] if t else float('nan'):.3f} |")
if "gemm" in ours:
    lines += ["", "## GEMM / GEMV (bf16 weights)", "", "| shape | m | ours TFLOP/s | torch TFLOP/s | ratio | ours TB/s |", "|---|---|---|---|---|---|"]
    tb = {(r["shape"], r["m"]): r for r in base.get("gemm_torch", [])}
    for r in ours["gemm"]:
        t = tb.get((r["shape"], r["m"]))
        lines.append(f"| {r['shape']} | {r['m']} | {r['tflops']:.1f} | {t['tflops'] if t else float('nan'):.1f} | {r['tflops']/t['tflops'] if t else float('nan'):.2f} | {r['weight_tb_per_s']:.3f} |")
if "e2e" in ours:
    lines += ["", "## End to end (MiniMax-shaped, 8 layers, 8 experts top-2, random bf16)", "",
              "| prompt | TTFT s | prefill tok/s | compute floor tok/s | × floor time | decode tok/s (b=1) | bandwidth floor | × floor | GPU GiB |", "|---|---|---|---|---|---|---|---|---|"]
    for r in ours["e2e"]:
        lines.append(f"| {r['prompt_tokens']} | {r['ttft_s']:.2f} | {r['prefill_tok_s']:.0f} | {r['compute_floor_tok_s']:.0f} | {r['compute_floor_tok_s']/r['prefill_tok_s']:.2f} | {r['decode_tok_s_batch1']:.1f} | {r['decode_bandwidth_floor_tok_s']:.1f} | {r['decode_bandwidth_floor_tok_s']/r['decode_tok_s_batch1']:.2f} | {r['device_memory_used_gib']:.1f} |")
open(prefix + ".md", "w").write("\n".join(lines) + "\n")
json.dump(joined, open(prefix + ".json", "w"), indent=2)
print("\n".join(lines))
