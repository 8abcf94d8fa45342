#!/usr/bin/env python3
"""Quantization goldens for the GGUF reader and the quant kernels (tests/fixtures/llama/quant/).

Reference: the `gguf` PyPI package (ggml's own Python port of the block formats, pinned below).
Writes quant.gguf with gguf.GGUFWriter (one [4, 512] tensor per supported type: Q8_0/Q4_0/Q4_1
quantized from random floats by gguf.quants.quantize, K-quant blocks as random bytes with finite f16
scales, since the package has no K-quant quantizer) and metadata of every value type; ref.safetensors
holds gguf.quants.dequantize of each tensor, activations x [2, 512], and q8_0(x) bytes.
Run: pip install gguf==0.19.0 numpy safetensors && python3 scripts/parity/make_quant_fixture.py
"""
import pathlib

import gguf
import numpy as np
from gguf import GGMLQuantizationType as T
from safetensors.numpy import save_file

assert gguf.__version__ if hasattr(gguf, "__version__") else True
OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "llama" / "quant"
ROWS, COLS = 4, 512
rng = np.random.default_rng(20240611)


def random_kquant(qtype: T) -> np.ndarray:
    block_elems, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    n_blocks = ROWS * COLS // block_elems
    raw = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
    # Put small finite f16 scales where the format keeps them (d, dmin first for Q4_K/Q5_K; d last for Q6_K).
    scales = (rng.uniform(0.001, 0.05, size=(n_blocks, 2))).astype(np.float16).view(np.uint8).reshape(n_blocks, 4)
    if qtype in (T.Q4_K, T.Q5_K):
        raw[:, 0:4] = scales
    else:  # Q6_K
        raw[:, block_bytes - 2:] = scales[:, :2]
    return raw.reshape(ROWS, COLS // block_elems * block_bytes)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    w = rng.standard_normal((ROWS, COLS)).astype(np.float32)
    w[1] *= 0.01  # a row of small values
    w[2, :32] = 0.0  # an all-zero block
    tensors = {
        "w.f32": (w, T.F32),
        "w.f16": (w.astype(np.float16), T.F16),
        "w.bf16": (gguf.quants.quantize(w, T.BF16), T.BF16),
        "w.q8_0": (gguf.quants.quantize(w, T.Q8_0), T.Q8_0),
        "w.q4_0": (gguf.quants.quantize(w, T.Q4_0), T.Q4_0),
        "w.q4_1": (gguf.quants.quantize(w, T.Q4_1), T.Q4_1),
        "w.q4_k": (random_kquant(T.Q4_K), T.Q4_K),
        "w.q5_k": (random_kquant(T.Q5_K), T.Q5_K),
        "w.q6_k": (random_kquant(T.Q6_K), T.Q6_K),
    }
    writer = gguf.GGUFWriter(str(OUT / "quant.gguf"), "llama")
    writer.add_uint8("test.u8", 200)
    writer.add_int8("test.i8", -100)
    writer.add_uint16("test.u16", 65000)
    writer.add_int16("test.i16", -32000)
    writer.add_uint32("test.u32", 4000000000)
    writer.add_int32("test.i32", -2000000000)
    writer.add_float32("test.f32", 0.25)
    writer.add_uint64("test.u64", 1 << 40)
    writer.add_int64("test.i64", -(1 << 40))
    writer.add_float64("test.f64", 1e-300)
    writer.add_bool("test.bool", True)
    writer.add_string("test.string", "héllo ✓")
    writer.add_array("test.strings", ["a", "", "ccc"])
    writer.add_array("test.ints", [1, -2, 3])
    writer.add_array("test.floats", [0.5, -1.5])
    refs = {}
    for name, (data, qtype) in tensors.items():
        writer.add_tensor(name, data, raw_dtype=qtype)
        refs[name] = gguf.quants.dequantize(data, qtype).astype(np.float32).reshape(ROWS, COLS)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    x = rng.standard_normal((2, COLS)).astype(np.float32)
    x[1, 64:96] = 0.0
    refs["x"] = x
    refs["x.q8_0"] = gguf.quants.quantize(x, T.Q8_0)
    save_file(refs, str(OUT / "ref.safetensors"))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
