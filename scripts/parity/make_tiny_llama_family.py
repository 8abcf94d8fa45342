#!/usr/bin/env python3
"""Tiny random Llama / Qwen2 / Mixtral checkpoints and their transformers goldens
(tests/fixtures/llama/tiny-<arch>/).

Reference: transformers (pinned below) in float32 on CPU. Each folder gets config.json +
model.safetensors (bf16 weights; the reference runs on exactly those values upcast to f32),
model.gguf (the same weights converted the way llama.cpp's convert_hf_to_gguf.py does: llama/mixtral
Q/K rows permuted for ggml's interleaved RoPE, mixtral experts stacked into ffn_*_exps), and
reference.safetensors: input_ids [T] i64, logits [T, V] f32 of the prompt, greedy_ids [N] i64
(greedy continuation of N tokens), greedy_logits [N, V] f32 (logits that chose them).
Run: pip install torch transformers==5.23.0 gguf==0.19.0 safetensors && python3 scripts/parity/make_tiny_llama_family.py
"""
import json
import pathlib

import gguf
import numpy as np
import torch
import transformers
from safetensors.torch import save_file

PINNED = "5.23.0"
assert transformers.__version__ == PINNED, f"goldens were made with transformers {PINNED}, found {transformers.__version__}"
OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "llama"
PROMPT = [1, 17, 42, 99, 3, 250, 7, 7, 128, 64, 5, 200]
N_GREEDY = 16

COMMON = dict(vocab_size=256, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-5, tie_word_embeddings=False)
ARCHS = {
    "llama": (transformers.LlamaConfig, transformers.LlamaForCausalLM,
              dict(COMMON, rope_parameters={"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0, "low_freq_factor": 1.0,
                                            "high_freq_factor": 4.0, "original_max_position_embeddings": 64})),
    "qwen2": (transformers.Qwen2Config, transformers.Qwen2ForCausalLM,
              dict(COMMON, tie_word_embeddings=True, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0})),
    "mixtral": (transformers.MixtralConfig, transformers.MixtralForCausalLM,
                dict(COMMON, intermediate_size=48, num_local_experts=4, num_experts_per_tok=2,
                     rope_parameters={"rope_type": "default", "rope_theta": 10000.0})),
}


def permute(w: np.ndarray, n_head: int) -> np.ndarray:
    # convert_hf_to_gguf.py LlamaModel.permute: rotate_half pairs → interleaved pairs.
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf(arch: str, cfg, sd: dict, path: pathlib.Path) -> None:
    garch = "qwen2" if arch == "qwen2" else "llama"
    w = gguf.GGUFWriter(str(path), garch)
    c = cfg
    w.add_block_count(c.num_hidden_layers)
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_rope_freq_base(c.rope_parameters["rope_theta"])
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_rope_dimension_count(c.hidden_size // c.num_attention_heads)
    w.add_vocab_size(c.vocab_size)
    if arch == "mixtral":
        w.add_expert_count(c.num_local_experts)
        w.add_expert_used_count(c.num_experts_per_tok)
    t = {k: v.float().numpy() for k, v in sd.items()}
    nh, nkv = c.num_attention_heads, c.num_key_value_heads
    out = {"token_embd.weight": t["model.embed_tokens.weight"], "output_norm.weight": t["model.norm.weight"]}
    if "lm_head.weight" in t and not c.tie_word_embeddings:
        out["output.weight"] = t["lm_head.weight"]
    if arch == "llama":  # llama3 rope scaling as per-frequency divisors, like convert_hf_to_gguf
        rp = c.rope_parameters
        dim = c.hidden_size // nh
        freqs = 1.0 / (rp["rope_theta"] ** (np.arange(0, dim, 2, dtype=np.float32) / dim))
        low_wl = rp["original_max_position_embeddings"] / rp["low_freq_factor"]
        high_wl = rp["original_max_position_embeddings"] / rp["high_freq_factor"]
        factors = []
        for f in freqs:
            wl = 2 * np.pi / f
            if wl < high_wl:
                factors.append(1.0)
            elif wl > low_wl:
                factors.append(rp["factor"])
            else:
                smooth = (rp["original_max_position_embeddings"] / wl - rp["low_freq_factor"]) / (rp["high_freq_factor"] - rp["low_freq_factor"])
                factors.append(1 / ((1 - smooth) / rp["factor"] + smooth))
        out["rope_freqs.weight"] = np.array(factors, dtype=np.float32)
    for l in range(c.num_hidden_layers):
        p, b = f"model.layers.{l}.", f"blk.{l}."
        q, k = t[p + "self_attn.q_proj.weight"], t[p + "self_attn.k_proj.weight"]
        if garch == "llama":
            q, k = permute(q, nh), permute(k, nkv)
        out[b + "attn_norm.weight"] = t[p + "input_layernorm.weight"]
        out[b + "attn_q.weight"], out[b + "attn_k.weight"] = q, k
        out[b + "attn_v.weight"] = t[p + "self_attn.v_proj.weight"]
        out[b + "attn_output.weight"] = t[p + "self_attn.o_proj.weight"]
        for n in ("q", "k", "v"):
            if p + f"self_attn.{n}_proj.bias" in t:
                out[b + f"attn_{n}.bias"] = t[p + f"self_attn.{n}_proj.bias"]
        out[b + "ffn_norm.weight"] = t[p + "post_attention_layernorm.weight"]
        if arch == "mixtral":
            out[b + "ffn_gate_inp.weight"] = t[p + "mlp.gate.weight"]
            gu = t[p + "mlp.experts.gate_up_proj"]  # [E, 2·ff, h]
            ff = c.intermediate_size
            out[b + "ffn_gate_exps.weight"] = np.ascontiguousarray(gu[:, :ff])
            out[b + "ffn_up_exps.weight"] = np.ascontiguousarray(gu[:, ff:])
            out[b + "ffn_down_exps.weight"] = t[p + "mlp.experts.down_proj"]
        else:
            out[b + "ffn_gate.weight"] = t[p + "mlp.gate_proj.weight"]
            out[b + "ffn_up.weight"] = t[p + "mlp.up_proj.weight"]
            out[b + "ffn_down.weight"] = t[p + "mlp.down_proj.weight"]
    for name, arr in out.items():
        w.add_tensor(name, np.ascontiguousarray(arr.astype(np.float32)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main() -> None:
    torch.manual_seed(0)
    for arch, (cfg_cls, model_cls, kw) in ARCHS.items():
        cfg = cfg_cls(**kw)
        model = model_cls(cfg).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.normal_(0, 0.08)
                p.copy_(p.to(torch.bfloat16).float())  # the checkpoint stores bf16: run on exactly those values
            for n, p in model.named_parameters():
                if "norm" in n:
                    p.copy_((1.0 + 0.1 * torch.randn_like(p)).to(torch.bfloat16).float())
        d = OUT / f"tiny-{arch}"
        d.mkdir(parents=True, exist_ok=True)
        ids = torch.tensor([PROMPT])
        with torch.no_grad():
            logits = model(ids).logits[0].float()
            seq, greedy, glogits = ids, [], []
            for _ in range(N_GREEDY):
                lg = model(seq).logits[0, -1].float()
                nxt = int(lg.argmax())
                greedy.append(nxt)
                glogits.append(lg)
                seq = torch.cat([seq, torch.tensor([[nxt]])], dim=1)
        model.to(torch.bfloat16).save_pretrained(d, safe_serialization=True)
        for extra in ("generation_config.json",):
            (d / extra).unlink(missing_ok=True)
        sd = {k: v for k, v in model.state_dict().items()}
        write_gguf(arch, cfg, sd, d / "model.gguf")
        save_file({"input_ids": ids[0].to(torch.int64), "logits": logits.contiguous(),
                   "greedy_ids": torch.tensor(greedy, dtype=torch.int64), "greedy_logits": torch.stack(glogits).contiguous()},
                  str(d / "reference.safetensors"))
        meta = {"transformers": transformers.__version__, "torch": torch.__version__, "gguf": "0.19.0",
                "prompt": PROMPT, "n_greedy": N_GREEDY, "greedy_ids": greedy}
        (d / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
        print(arch, "->", d, "greedy", greedy)


if __name__ == "__main__":
    main()
