#!/usr/bin/env python3
"""Same-run PyTorch baseline for bench_vit: a CLIP ViT-L/14-336 tower (conv patch embedding, CLS,
positions, pre-LN, 24 pre-LN blocks with fused qkv, exact GELU, no post-LN) in bf16 on the GPU,
attention through F.scaled_dot_product_attention, eager and torch.compile; plus transformers'
CLIPVisionModel (sdpa) when transformers is installed. Random weights; images/s at a batch.
Usage: python3 vit_torch_baseline.py OUT.json [--batch 64] [--iters 10] [--no-compile]"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

E, FF, H, L, S, P = 1024, 4096, 16, 24, 336, 14


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(E), nn.LayerNorm(E)
        self.qkv, self.out = nn.Linear(E, 3 * E), nn.Linear(E, E)
        self.fc1, self.fc2 = nn.Linear(E, FF), nn.Linear(FF, E)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, H, E // H).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, t, E)
        x = x + self.out(a)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Vit(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, E, P, P, bias=False)
        self.cls = nn.Parameter(torch.randn(E) * 0.02)
        self.pos = nn.Parameter(torch.randn((S // P) ** 2 + 1, E) * 0.02)
        self.pre = nn.LayerNorm(E)
        self.blocks = nn.ModuleList(Block() for _ in range(L))

    def forward(self, px):
        x = self.patch(px).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, E), x], 1) + self.pos
        x = self.pre(x)
        for blk in self.blocks:
            x = blk(x)
        return x[:, 1:]


def bench(fn, iters):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(iters):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        ts.append(a.elapsed_time(b) / 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "vit_torch.json"
    args = sys.argv[1:]
    batch = int(args[args.index("--batch") + 1]) if "--batch" in args else 64
    iters = int(args[args.index("--iters") + 1]) if "--iters" in args else 10
    res = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0), "batch": batch}
    px = torch.randn(batch, 3, S, S, device="cuda", dtype=torch.bfloat16)
    model = Vit().cuda().to(torch.bfloat16).eval()
    with torch.inference_mode():
        t = bench(lambda: model(px), iters)
        res["eager_images_per_s"] = batch / t
        print(f"torch eager      images/s={batch / t:.1f}", flush=True)
        if "--no-compile" not in args:
            try:
                t0 = time.time()
                cm = torch.compile(model)
                t = bench(lambda: cm(px), iters)
                res["compile_images_per_s"] = batch / t
                res["compile_seconds"] = time.time() - t0
                print(f"torch.compile    images/s={batch / t:.1f}", flush=True)
            except Exception as e:  # no triton / compiler on the machine
                res["compile_error"] = str(e)[:300]
                print("torch.compile failed:", str(e)[:200], flush=True)
        try:
            from transformers import CLIPVisionConfig, CLIPVisionModel
            cfg = CLIPVisionConfig(hidden_size=E, intermediate_size=FF, num_hidden_layers=L, num_attention_heads=H,
                                   image_size=S, patch_size=P, hidden_act="gelu")
            hf = CLIPVisionModel(cfg, attn_implementation="sdpa").cuda().to(torch.bfloat16).eval()
            t = bench(lambda: hf(pixel_values=px), iters)
            res["transformers_images_per_s"] = batch / t
            print(f"transformers     images/s={batch / t:.1f}", flush=True)
        except Exception as e:
            res["transformers_error"] = str(e)[:300]
    with open(out_path, "w") as f:
        json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
