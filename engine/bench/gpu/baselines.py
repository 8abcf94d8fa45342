#!/usr/bin/env python3
"""Same-run PyTorch baselines for bench_gpu (run on the GPU machine, same process order):
- lightning prefill: a chunked PyTorch reference of the same math (bf16 q/k/v, f32 state,
  block 256 like MiniMax's remote code), and the device-copy bandwidth;
- softmax attention: torch.nn.functional.scaled_dot_product_attention (causal, GQA);
- GEMM: torch.matmul on the model's shapes (bf16).
Usage: python3 baselines.py OUT.json [--quick]"""
import json, sys, time
import torch

def bench(fn, reps=7, warm=2):
    for _ in range(warm): fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b))
    ts.sort()
    return ts[len(ts) // 2]

def lightning_torch(q, k, v, lam, block=256):
    # q, k, v: [H, T, d] bf16; lam: [H] f32. Inclusive decay (spec 2.3); state f32.
    h, t, d = q.shape
    s = torch.zeros(h, d, d, dtype=torch.float32, device=q.device)
    out = torch.empty_like(q)
    idx = torch.arange(block, device=q.device, dtype=torch.float32)
    lam = lam.view(h, 1, 1)
    for b0 in range(0, t, block):
        m = min(block, t - b0)
        qi, ki, vi = q[:, b0:b0 + m], k[:, b0:b0 + m], v[:, b0:b0 + m]
        i = idx[:m]
        qd = torch.exp(-lam * (i.view(1, m, 1) + 1))
        kd = torch.exp(-lam * (m - 1 - i).view(1, m, 1))
        diff = i.view(m, 1) - i.view(1, m)
        mask = torch.where(diff >= 0, torch.exp(-lam * diff.clamp(min=0)), torch.zeros((), device=q.device))
        inter = torch.matmul(qi.float() * qd, s)
        intra = torch.matmul(torch.matmul(qi, ki.transpose(1, 2)).float() * mask, vi.float())
        out[:, b0:b0 + m] = (inter + intra).to(q.dtype)
        s = torch.exp(-lam * m) * s + torch.matmul((ki.float() * kd).transpose(1, 2).to(vi.dtype), vi).float()
    return out

def main():
    out_path = sys.argv[1]
    quick = "--quick" in sys.argv
    dev = torch.device("cuda")
    res = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    n = 1 << 30
    a = torch.empty(n, dtype=torch.bfloat16, device=dev).normal_(); b = torch.empty_like(a)
    ms = bench(lambda: b.copy_(a))
    res["copy_bandwidth_tbps"] = 2 * a.numel() * 2 / (ms * 1e-3) / 1e12
    del a, b
    rows = []
    cases = [(64, 8192), (64, 32768), (64, 131072), (8, 8192), (8, 131072)]
    for h, t in cases:
        q, k, v = (torch.randn(h, t, 128, device=dev, dtype=torch.bfloat16) * 0.5 for _ in range(3))
        lam = torch.linspace(0.9, 0.004, h, device=dev)
        ms = bench(lambda: lightning_torch(q, k, v, lam), reps=3, warm=1)
        rows.append({"heads": h, "tokens": t, "ms": ms, "token_heads_per_s": h * t / (ms * 1e-3)})
        print(f"torch lightning H={h} T={t}: {ms:.2f} ms, {h * t / (ms * 1e-3) / 1e9:.3f} G token*heads/s", flush=True)
        del q, k, v
    res["lightning_prefill_torch"] = rows
    rows = []
    for t, past in [(4096, 0), (8192, 0), (1, 131071), (1, 8191)]:
        s_len = t + past
        q = torch.randn(1, 64, t, 128, device=dev, dtype=torch.bfloat16)
        k = torch.randn(1, 8, s_len, 128, device=dev, dtype=torch.bfloat16)
        v = torch.randn_like(k)
        causal = past == 0
        f = lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
        ms = bench(f, reps=5)
        pairs = t * past + t * (t + 1) / 2
        flops = 4 * 128 * pairs * 64
        rows.append({"q_tokens": t, "kv_tokens": s_len, "ms": ms, "tflops": flops / (ms * 1e-3) / 1e12})
        print(f"SDPA T={t} S={s_len}: {ms:.3f} ms {flops / (ms * 1e-3) / 1e12:.1f} TFLOP/s", flush=True)
    res["attention_sdpa"] = rows
    rows = []
    for name, nn, kk in [("qkv 24576x6144", 24576, 6144), ("out 6144x8192", 6144, 8192), ("expert 9216x6144", 9216, 6144),
                         ("down 6144x9216", 6144, 9216), ("lm_head 200064x6144", 200064, 6144)]:
        w = torch.randn(nn, kk, device=dev, dtype=torch.bfloat16) * 0.02
        for m in [1, 16, 4096]:
            x = torch.randn(m, kk, device=dev, dtype=torch.bfloat16)
            ms = bench(lambda: torch.matmul(x, w.t()), reps=10)
            rows.append({"shape": name, "m": m, "ms": ms, "tflops": 2 * m * nn * kk / (ms * 1e-3) / 1e12,
                         "weight_tb_per_s": w.numel() * 2 / (ms * 1e-3) / 1e12})
        del w
    res["gemm_torch"] = rows
    json.dump(res, open(out_path, "w"), indent=2)

if __name__ == "__main__":
    main()
