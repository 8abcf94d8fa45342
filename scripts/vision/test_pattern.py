"""Deterministic RGB8 test images shared with tests/engine/vision/test_pattern.h (same integer
formulas), so goldens need not store source pixels. Kinds: 0 noise, 1 gradient + noise,
2 hard-edged stripes/checker (ringing and clipping), 3 smooth rings."""
import numpy as np

M32 = 0xFFFFFFFF


def _mix(x, y, c, seed):
    h = ((x * 73856093) ^ (y * 19349663) ^ (c * 83492791) ^ (seed * 2654435761)) & M32
    h ^= h >> 13
    h = (h * 0x5BD1E995) & M32
    h ^= h >> 15
    return h


def pattern(w, h, kind, seed):
    """uint8 array [h, w, 3]."""
    ys, xs = np.meshgrid(np.arange(h, dtype=np.uint64), np.arange(w, dtype=np.uint64), indexing="ij")
    out = np.zeros((h, w, 3), dtype=np.uint8)
    for c in range(3):
        hsh = _mix(xs, ys, np.uint64(c), np.uint64(seed))
        noise = (hsh & np.uint64(0xFF)).astype(np.int64)
        xi, yi = xs.astype(np.int64), ys.astype(np.int64)
        if kind == 0:
            v = noise
        elif kind == 1:
            g = (xi * 255 // max(1, w - 1) + yi * 255 // max(1, h - 1) + c * 40) // 2
            v = (g + (noise & 31) - 16)
        elif kind == 2:
            v = np.where(((xi // (3 + c)) + (yi // (5 + c))) % 2 == 0, 250, 5)
        else:
            d = ((xi - w // 2) ** 2 + (yi - h // 2) ** 2) // (7 + 3 * c)
            v = (d * 37 + c * 60) % 256
        out[:, :, c] = np.clip(v, 0, 255).astype(np.uint8)
    return out


def checksum(arr) -> str:
    """Order-sensitive 64-bit checksum of a uint8 or float32 array (float32 by its bit pattern):
    sum over i of (v_i + 1) * (i * 0x9E3779B97F4A7C15 + 1) mod 2^64. Mirrored in C++."""
    a = np.ascontiguousarray(arr)
    v = (a.view(np.uint32) if a.dtype == np.float32 else a.astype(np.uint8)).reshape(-1).astype(np.uint64)
    i = np.arange(v.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        k = i * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        s = np.sum((v + np.uint64(1)) * k, dtype=np.uint64)
    return f"{int(s):016x}"
