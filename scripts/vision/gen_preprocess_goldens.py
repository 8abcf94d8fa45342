#!/usr/bin/env python3
"""Goldens for engine/src/vision (Pillow-exact resize + anyres preprocessing), from references
nobody here wrote:
  * Pillow's Image.resize (BICUBIC / BILINEAR) on deterministic test patterns;
  * MiniMax-VL-01's official image processor (`minimax_image_processer.py`, the copy vendored in
    vllm-project/vllm at vllm/transformers_utils/processors/, e.g. commit 6b5696d7) and its token
    count (`get_num_token` of minimax_vl_01_processing.py, same folder). No released PyPI wheel
    carries these files (checked vllm 0.8.5, 0.9.2, 0.11.0, 0.33.0), so pass their paths:
        --processor .../minimax_image_processer.py --processing .../minimax_vl_01_processing.py
    (--processing may be a file holding only its select_best_resolution/get_w_h_num/get_num_token);
  * transformers' LlavaNextImageProcessorPil + LlavaNextProcessor._get_number_of_features.
Pinned: Pillow==13.0.0 numpy==2.4.6 torch==2.15.0 torchvision==0.29.2 transformers==5.23.0.
Output: tests/fixtures/vision/preprocess_goldens.json (checksums as in test_pattern.checksum).
"""
import argparse
import importlib.util
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_pattern import checksum, pattern  # noqa: E402

MINIMAX_PINPOINTS = [[336, 336], [336, 672], [336, 1008], [336, 1344], [336, 1680], [336, 2016], [672, 336],
                     [672, 672], [672, 1008], [672, 1344], [672, 1680], [672, 2016], [1008, 336], [1008, 672],
                     [1008, 1008], [1008, 1344], [1008, 1680], [1008, 2016], [1344, 336], [1344, 672],
                     [1344, 1008], [1344, 1344], [1680, 336], [1680, 672], [1680, 1008], [2016, 336],
                     [2016, 672], [2016, 1008]]
LLAVA_PINPOINTS = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

# (src_w, src_h, dst_w, dst_h): up, down (incl. strong antialiasing), one axis only, odd sizes.
RESIZE_SIZES = [
    (1, 1, 7, 5), (2, 3, 336, 336), (5, 5, 1, 1), (17, 9, 336, 336), (336, 336, 335, 337),
    (640, 480, 672, 504), (500, 300, 672, 403), (1000, 200, 1008, 201), (100, 900, 37, 336),
    (1920, 1080, 336, 336), (1920, 1080, 2016, 1134), (800, 800, 1008, 1008), (333, 1001, 112, 336),
    (2000, 30, 336, 5), (30, 2000, 5, 336), (123, 457, 123, 91), (457, 123, 91, 123), (64, 64, 336, 336),
    (3000, 2000, 21, 14), (777, 555, 776, 556), (1, 1000, 336, 336), (1000, 1, 336, 336), (9, 7, 1344, 1008),
    (1024, 768, 1344, 1008), (250, 250, 252, 250), (250, 250, 250, 252),
]

ANYRES_SIZES = [  # spec §4.4 worked examples first
    (500, 300), (336, 336), (1000, 200), (100, 900), (640, 480), (800, 800), (1920, 1080),
    (1, 1), (3, 1000), (337, 335), (2000, 30), (30, 2000), (1344, 1344), (1023, 767), (401, 1203),
    (2400, 1100), (57, 59), (672, 336), (700, 2100),
]
LLAVA_SIZES = [(500, 300), (336, 336), (1000, 200), (100, 900), (640, 480), (800, 800), (1920, 1080), (37, 401),
               (2000, 30), (333, 1000)]


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def samples(arr, n=24):
    flat = arr.reshape(-1)
    idx = np.linspace(0, flat.size - 1, n).astype(np.int64)
    return [[int(i), float(flat[i])] for i in idx]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processor", required=True)
    ap.add_argument("--processing", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../tests/fixtures/vision/preprocess_goldens.json"))
    args = ap.parse_args()
    mp = load_module(args.processor, "minimax_image_processer")
    mt = load_module(args.processing, "minimax_vl_01_processing")

    out = {"generator": "scripts/vision/gen_preprocess_goldens.py",
           "versions": {"Pillow": Image.__version__, "numpy": np.__version__}, "resize": [], "minimax": [], "llava_next": []}
    case = 0
    for (sw, sh, dw, dh) in RESIZE_SIZES:
        for filt, name in ((Image.BICUBIC, "bicubic"), (Image.BILINEAR, "bilinear")):
            kind, seed = case % 4, 1000 + case
            case += 1
            src = Image.fromarray(pattern(sw, sh, kind, seed), "RGB")
            dst = np.asarray(src.resize((dw, dh), filt))
            out["resize"].append({"src": [sw, sh], "dst": [dw, dh], "filter": name, "kind": kind, "seed": seed,
                                  "checksum": checksum(dst)})

    proc = mp.ImageProcessor(size=[336, 336], image_mean=CLIP_MEAN, image_std=CLIP_STD, process_image_mode="anyres",
                             patch_size=14, image_grid_pinpoints=MINIMAX_PINPOINTS)
    for i, (w, h) in enumerate(ANYRES_SIZES):
        kind, seed = i % 4, 2000 + i
        img = Image.fromarray(pattern(w, h, kind, seed), "RGB")
        try:
            pv = proc.anyres_preprocess([img])["pixel_values"][0].astype(np.float32)
        except ValueError as e:  # the reference fails on 0-pixel resizes (extreme aspect ratios)
            pv = None
            err = str(e)
        best = mp.select_best_resolution((w, h), MINIMAX_PINPOINTS)
        rec = {"size": [w, h], "kind": kind, "seed": seed, "best": list(best),
               "n_tokens": int(mt.get_num_token(h, w, MINIMAX_PINPOINTS, 14))}
        if pv is not None:
            rec.update({"n_tiles": int(pv.shape[0]), "tile_checksums": [checksum(t) for t in pv],
                        "samples": samples(pv)})
        else:
            rec["reference_error"] = err
        out["minimax"].append(rec)
        print("minimax", w, h, best, rec["n_tokens"], rec.get("n_tiles"), flush=True)

    from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil
    from transformers.models.llava_next.processing_llava_next import LlavaNextProcessor
    lp = LlavaNextImageProcessorPil(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336},
                                    image_grid_pinpoints=LLAVA_PINPOINTS)

    counter = LlavaNextProcessor.__new__(LlavaNextProcessor)  # its token arithmetic, no tokenizer
    counter.image_processor, counter.patch_size, counter.num_additional_image_tokens = lp, 14, 1
    for i, (w, h) in enumerate(LLAVA_SIZES):
        kind, seed = i % 4, 3000 + i
        img = Image.fromarray(pattern(w, h, kind, seed), "RGB")
        pv = np.asarray(lp.preprocess(img, return_tensors="np")["pixel_values"][0], dtype=np.float32)
        n = counter._get_number_of_features(h, w, 336, 336) - 1  # strategy "default"
        out["llava_next"].append({"size": [w, h], "kind": kind, "seed": seed, "n_tokens": int(n),
                                  "n_tiles": int(pv.shape[0]), "tile_checksums": [checksum(t) for t in pv],
                                  "samples": samples(pv)})
        print("llava", w, h, n, pv.shape, flush=True)
    out["minimax_pinpoints"] = MINIMAX_PINPOINTS
    out["llava_pinpoints"] = LLAVA_PINPOINTS
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
