#!/usr/bin/env python3
"""Pillow resize goldens for one Pillow release (the pass order changed in 13.0), written to
tests/fixtures/vision/resize_pillow<major>.json. Run once per pinned Pillow:
    python -m venv /tmp/p12 && /tmp/p12/bin/pip install pillow==12.0.0 numpy==2.4.6
    /tmp/p12/bin/python scripts/vision/gen_resize_goldens.py
(The Pillow 13.0.0 cases live in preprocess_goldens.json, see gen_preprocess_goldens.py.)"""
import json
import os
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_preprocess_goldens import RESIZE_SIZES  # noqa: E402
from test_pattern import checksum, pattern  # noqa: E402


def main():
    cases, case = [], 0
    for (sw, sh, dw, dh) in RESIZE_SIZES:
        for filt, name in ((Image.BICUBIC, "bicubic"), (Image.BILINEAR, "bilinear")):
            kind, seed = case % 4, 1000 + case
            case += 1
            dst = np.asarray(Image.fromarray(pattern(sw, sh, kind, seed), "RGB").resize((dw, dh), filt))
            cases.append({"src": [sw, sh], "dst": [dw, dh], "filter": name, "kind": kind, "seed": seed,
                          "checksum": checksum(dst)})
    major = Image.__version__.split(".")[0]
    path = os.path.join(HERE, f"../../tests/fixtures/vision/resize_pillow{major}.json")
    with open(path, "w") as f:
        json.dump({"generator": "scripts/vision/gen_resize_goldens.py", "Pillow": Image.__version__, "resize": cases}, f,
                  indent=1)
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
