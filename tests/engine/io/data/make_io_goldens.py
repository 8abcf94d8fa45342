#!/usr/bin/env python3
"""Goldens for tests/engine/io, produced with the reference `safetensors` library (not our code).

  python3 make_io_goldens.py                 # writes reference_written.safetensors, fixture_checks.json
  python3 make_io_goldens.py --check FILE    # reads a file written by our writer (see README.md)

Pinned when generated: safetensors 0.8.0, torch 2.15.0, numpy 2.4.6, Python 3.11.
The tensor recipe below is mirrored in test_safetensors.cpp (golden_tensors()): keep them in step.
"""
import argparse
import json
import pathlib

import torch
from safetensors import safe_open
from safetensors.torch import save_file

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent.parent / "fixtures" / "minimax-text"


def golden_tensors():
    ar = lambda n: torch.arange(n, dtype=torch.float64)
    return {
        "f32": (ar(6) * 0.25 - 1).to(torch.float32).reshape(2, 3),
        "i64": ((torch.arange(4, dtype=torch.int64) - 2) * 1_000_000_000_000),
        "bf16": (ar(6) * 0.5 - 1.5).to(torch.bfloat16).reshape(3, 2),
        "f16": (ar(5) * 0.125).to(torch.float16),
        "f64": torch.tensor(3.25, dtype=torch.float64),
        "i32": (torch.arange(4, dtype=torch.int32) * -7).reshape(2, 2),
        "i16": (torch.arange(3, dtype=torch.int16) * 300 - 300),
        "i8": (torch.arange(4, dtype=torch.int8) - 2),
        "u8": (torch.arange(3, dtype=torch.uint8) * 100),
        "bool": torch.arange(5) % 2 == 0,
        "empty": torch.zeros((0, 4), dtype=torch.float32),
        "we\"ird\tnam\u00e9": torch.tensor([7.0], dtype=torch.float32),
    }


def fixture_checks():
    """Count, dtype mix and per-tensor sums of the fixture files (checks offsets and decoding)."""
    out = {}
    for rel in ["a1-tiny-hybrid/model.safetensors", "a2-tiny-bf16/model.safetensors",
                "a3-hf-native/hf-native/model.safetensors"]:
        with safe_open(FIXTURES / rel, "pt") as f:
            names = sorted(f.keys())
            picks = [names[0], names[len(names) // 2], names[-1]] + [n for n in names if "gate.weight" in n][:1]
            out[rel] = {
                "n_tensors": len(names),
                "dtypes": {d: sum(1 for n in names if str(f.get_slice(n).get_dtype()) == d)
                           for d in sorted({str(f.get_slice(n).get_dtype()) for n in names})},
                "sums": {n: float(f.get_tensor(n).to(torch.float64).sum()) for n in picks},
                "shapes": {n: list(f.get_slice(n).get_shape()) for n in picks},
            }
    return out


def check(path):
    expected = golden_tensors()
    with safe_open(path, "pt") as f:
        assert sorted(f.keys()) == sorted(expected), (sorted(f.keys()), sorted(expected))
        for name, want in expected.items():
            got = f.get_tensor(name)
            assert got.dtype == want.dtype and got.shape == want.shape and torch.equal(got, want), name
        meta = f.metadata()
        assert meta == {"format": "pt", "writer": "farsight", "note": "caf\u00e9 \"quoted\""}, meta
    print(f"OK: {path} read by safetensors with {len(expected)} tensors and metadata {meta}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", type=pathlib.Path)
    args = ap.parse_args()
    if args.check:
        check(args.check)
        return
    save_file(golden_tensors(), str(HERE / "reference_written.safetensors"), metadata={"format": "pt"})
    (HERE / "fixture_checks.json").write_text(json.dumps(fixture_checks(), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
