#!/usr/bin/env python3
"""Tiny vision-language checkpoint + whole-model logits (spec §7.3 recipe C): transformers'
LlavaNextForConditionalGeneration with a tiny MiniMaxConfig text model and a tiny CLIP tower
(exact GELU, feature layer -1, strategy "default", GELU projector with biases, MiniMax-style
pinpoints that are multiples of the 28-px tile), random weights N(0, 0.15), fp32 on the CPU.

Two references from the same weights:
  llava_next.*  transformers' own pipeline: LlavaNextImageProcessorPil pixels, round() unpadding;
  minimax.*     MiniMax-VL-01 rules: pixels from MiniMax's official image processor (see
                gen_preprocess_goldens.py for where it lives) and the floor unpadding of vLLM's
                minimax_vl_01.py `unpad_image` patched into the transformers model
                (--minimax-unpad: a file holding that function verbatim).
Writes tests/fixtures/vision/tiny_vl/{config.json, model.safetensors (transformers' LLaVA-NeXT key
names), config_minimax_vl01.json, tokenizer.json, reference.safetensors}. Images are test_pattern.pattern().
Pinned: torch==2.15.0 transformers==5.23.0 torchvision==0.29.2 Pillow==13.0.0 numpy==2.4.6
safetensors==0.8.0 tokenizers==0.23.3.
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import torch
from PIL import Image
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_pattern import pattern  # noqa: E402

PINPOINTS = [[28, 28], [28, 56], [56, 28], [56, 56], [28, 84], [84, 28], [56, 84], [84, 56]]
IMAGES = [(50, 30, 1, 11), (20, 70, 3, 12)]  # (w, h, pattern kind, seed)
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
VOCAB = 300  # 256 byte tokens, then <image> and two chat markers (tokenizer.json), then unused
IMAGE_TOKEN = 256
SPECIAL = ["<image>", "<beginning_of_sentence>", "<end_of_sentence>"]


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_model():
    from transformers import CLIPVisionConfig, LlavaNextConfig, LlavaNextForConditionalGeneration, MiniMaxConfig
    alpha = 3.5565588200778455
    tc = MiniMaxConfig(vocab_size=VOCAB, hidden_size=64, intermediate_size=32, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=2, head_dim=16, num_local_experts=4,
                       num_experts_per_tok=2, layer_types=["linear_attention", "full_attention"], block_size=8,
                       full_attn_alpha_factor=alpha, linear_attn_alpha_factor=alpha, mlp_alpha_factor=alpha,
                       full_attn_beta_factor=1.0, linear_attn_beta_factor=1.0, mlp_beta_factor=1.0,
                       rope_parameters={"rope_type": "default", "rope_theta": 1e7}, rms_norm_eps=1e-5,
                       bos_token_id=None, eos_token_id=None, max_position_embeddings=4096)
    vc = CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                          image_size=28, patch_size=14, hidden_act="gelu", layer_norm_eps=1e-5, projection_dim=32)
    cfg = LlavaNextConfig(text_config=tc, vision_config=vc, image_token_index=IMAGE_TOKEN, vision_feature_layer=-1,
                          vision_feature_select_strategy="default", projector_hidden_act="gelu",
                          multimodal_projector_bias=True, image_grid_pinpoints=PINPOINTS)
    torch.manual_seed(0)
    model = LlavaNextForConditionalGeneration(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "decay" in name or "slope" in name:
                continue
            p.normal_(0.0, 0.15)
    return model


def prompt(n_tokens):
    rng = np.random.RandomState(5)
    ids = list(rng.randint(0, 256, 6))
    for i, n in enumerate(n_tokens):
        ids += [IMAGE_TOKEN] * n + list(rng.randint(0, 256, 4 + i))
    return np.array(ids, dtype=np.int32)


def run(model, pixel_list, sizes):
    n_max = max(p.shape[0] for p in pixel_list)
    pv = np.zeros((len(pixel_list), n_max, 3, 28, 28), dtype=np.float32)
    for i, p in enumerate(pixel_list):
        pv[i, :p.shape[0]] = p
    pv, sz = torch.from_numpy(pv), torch.tensor(sizes)
    with torch.no_grad():
        feats = model.model.get_image_features(pixel_values=pv, image_sizes=sz,
                                               vision_feature_layer=-1, vision_feature_select_strategy="default")
        packed = feats.pooler_output
        n_tokens = [int(f.shape[0]) for f in packed]
        ids = prompt(n_tokens)
        out = model(input_ids=torch.from_numpy(ids.astype(np.int64))[None], pixel_values=pv, image_sizes=sz)
    return ids, torch.cat(packed).numpy(), out.logits[0].float().numpy(), n_tokens


def write_tokenizer(out):
    """Byte-level BPE without merges (every byte one token) plus the special tokens: enough for the
    engine's tokenizer and for eval-vision to run prompts end to end on this tiny model."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    # GPT-2's byte ↔ printable-character table (the ByteLevel pre-tokenizer's alphabet).
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    vocab = {chr(c): b for b, c in zip(bs, cs)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(SPECIAL)
    assert tok.token_to_id("<image>") == IMAGE_TOKEN
    tok.save(os.path.join(out, "tokenizer.json"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processor", required=True, help="MiniMax's minimax_image_processer.py")
    ap.add_argument("--minimax-unpad", required=True, help="a file with vLLM minimax_vl_01.py's unpad_image")
    ap.add_argument("--out", default=os.path.join(HERE, "../../tests/fixtures/vision/tiny_vl"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    model = build_model()
    model.save_pretrained(args.out, safe_serialization=True)
    for extra in ("generation_config.json",):
        if os.path.exists(os.path.join(args.out, extra)):
            os.remove(os.path.join(args.out, extra))
    write_tokenizer(args.out)
    images = [Image.fromarray(pattern(w, h, k, s), "RGB") for (w, h, k, s) in IMAGES]
    sizes = [[h, w] for (w, h, _, _) in IMAGES]
    ref = {}

    from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil
    lp = LlavaNextImageProcessorPil(size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28},
                                    image_grid_pinpoints=PINPOINTS)
    pix = [np.asarray(lp.preprocess(im, return_tensors="np")["pixel_values"][0], dtype=np.float32) for im in images]
    ids, feats, logits, n = run(model, pix, sizes)
    ref.update({"llava_next.input_ids": ids, "llava_next.image_features": feats, "llava_next.logits": logits,
                "llava_next.n_tokens": np.array(n, dtype=np.int32)})
    for i, p in enumerate(pix):
        ref[f"llava_next.pixel_values.{i}"] = p
    print("llava_next tokens per image", n, "prompt", len(ids))

    mp = load_module(args.processor, "minimax_image_processer")
    mu = load_module(args.minimax_unpad, "minimax_unpad")
    import transformers.models.llava_next.modeling_llava_next as mln
    mln.unpad_image = mu.unpad_image
    proc = mp.ImageProcessor(size=[28, 28], image_mean=CLIP_MEAN, image_std=CLIP_STD, process_image_mode="anyres",
                             patch_size=14, image_grid_pinpoints=PINPOINTS)
    pix = [proc.anyres_preprocess([im])["pixel_values"][0].astype(np.float32) for im in images]
    ids, feats, logits, n = run(model, pix, sizes)
    ref.update({"minimax.input_ids": ids, "minimax.image_features": feats, "minimax.logits": logits,
                "minimax.n_tokens": np.array(n, dtype=np.int32)})
    for i, p in enumerate(pix):
        ref[f"minimax.pixel_values.{i}"] = p
    print("minimax tokens per image", n, "prompt", len(ids))
    ref["images"] = np.array(IMAGES, dtype=np.int32)
    save_file(ref, os.path.join(args.out, "reference.safetensors"),
              metadata={"generator": "scripts/vision/gen_tiny_vl.py", "torch": torch.__version__})

    # The same weights as a MiniMax-VL-01 checkpoint (its key names are produced by the C++ test).
    with open(os.path.join(args.out, "config.json")) as f:
        cfg = json.load(f)
    cfg["model_type"] = "minimax_vl_01"
    cfg["architectures"] = ["MiniMaxVL01ForConditionalGeneration"]
    with open(os.path.join(args.out, "config_minimax_vl01.json"), "w") as f:
        json.dump(cfg, f, indent=2)


if __name__ == "__main__":
    main()
