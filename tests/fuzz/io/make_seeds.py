#!/usr/bin/env python3
"""Seed corpus for fuzz_safetensors: small valid files written by the reference `safetensors`
library (safetensors 0.8.0, torch 2.15.0 when generated) plus a few hand-made near-misses.
Run from anywhere: python3 tests/fuzz/io/make_seeds.py"""
import pathlib
import struct

import torch
from safetensors.torch import save

OUT = pathlib.Path(__file__).resolve().parent / "seeds"


def raw(header: str, data: bytes) -> bytes:
    h = header.encode()
    return struct.pack("<Q", len(h)) + h + data


def main():
    OUT.mkdir(exist_ok=True)
    seeds = {
        "valid_small": save({"w": torch.ones(2, 3), "b": torch.zeros(3, dtype=torch.bfloat16)},
                            metadata={"format": "pt"}),
        "valid_every_dtype": save({d: torch.zeros(2, dtype=t) for d, t in [
            ("f64", torch.float64), ("f32", torch.float32), ("f16", torch.float16), ("bf16", torch.bfloat16),
            ("i64", torch.int64), ("i32", torch.int32), ("i16", torch.int16), ("i8", torch.int8),
            ("u8", torch.uint8), ("bool", torch.bool)]}),
        "valid_scalar_and_rank4": save({"s": torch.tensor(1.5), "r4": torch.ones(1, 2, 1, 2)}),
        "valid_no_tensors": raw("{}      ", b""),
        "overlap": raw('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                       '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', bytes(12)),
        "hole": raw('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                    '"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}', bytes(3)),
        "bomb": raw('{"w":{"dtype":"F32","shape":[524288,524288],"data_offsets":[0,1099511627776]}}', bytes(8)),
        "f8": raw('{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}', bytes(4)),
    }
    for name, data in seeds.items():
        (OUT / f"{name}.safetensors").write_bytes(data)


if __name__ == "__main__":
    main()
