#!/usr/bin/env python3
"""Malformed and unusual image files for tests/app/media (decoder limits and clear errors):
palette / grey+alpha / 16-bit PNG, CMYK and grey JPEG, animated PNG and GIF, 1x1 and 1x5000 images,
a PNG whose header declares 100000x100000 (a bomb), truncated PNG/JPEG, random bytes.
Writes tests/fixtures/media_images/ (all tiny). Pinned: Pillow==13.0.0 numpy==2.4.6."""
import os
import struct
import zlib

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/fixtures/media_images")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(3)
    rgb = rng.randint(0, 255, (24, 32, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(f"{OUT}/rgb_32x24.png")
    Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=16).save(f"{OUT}/palette.png")
    Image.fromarray(rgb).convert("LA").save(f"{OUT}/grey_alpha.png")
    Image.fromarray(rgb).convert("RGBA").save(f"{OUT}/rgba.png")
    Image.fromarray((rng.randint(0, 65535, (20, 30)).astype(np.uint16))).save(f"{OUT}/grey16.png")
    Image.fromarray(rgb).convert("CMYK").save(f"{OUT}/cmyk.jpg", quality=90)
    Image.fromarray(rgb).save(f"{OUT}/rgb.jpg", quality=90)
    Image.fromarray(rgb).convert("L").save(f"{OUT}/grey.jpg", quality=90)
    frames = [Image.fromarray(np.roll(rgb, k, axis=1)) for k in range(3)]
    frames[0].save(f"{OUT}/animated.png", save_all=True, append_images=frames[1:], duration=100)
    frames[0].save(f"{OUT}/animated.gif", save_all=True, append_images=frames[1:], duration=100)
    Image.new("RGB", (1, 1), (200, 10, 10)).save(f"{OUT}/one_pixel.png")
    Image.new("RGB", (1, 5000), (10, 200, 10)).save(f"{OUT}/one_by_5000.png")
    # A bomb: a valid signature + IHDR declaring 100000 x 100000 RGB, then a tiny IDAT and IEND.
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    open(f"{OUT}/bomb_100000x100000.png", "wb").write(bomb)
    png = open(f"{OUT}/rgb_32x24.png", "rb").read()
    open(f"{OUT}/truncated.png", "wb").write(png[: len(png) * 2 // 3])
    jpg = open(f"{OUT}/rgb.jpg", "rb").read()
    open(f"{OUT}/truncated.jpg", "wb").write(jpg[: len(jpg) // 2])
    open(f"{OUT}/random.bin", "wb").write(rng.randint(0, 255, 300, dtype=np.uint8).tobytes())
    open(f"{OUT}/empty.png", "wb").write(b"")
    # What PIL's convert("RGB") (the reference processors' input) makes of each decodable file.
    import json
    sys_path = os.path.dirname(os.path.abspath(__file__))
    import sys
    sys.path.insert(0, sys_path)
    from test_pattern import checksum
    ref = {}
    for name in sorted(os.listdir(OUT)):
        if not name.endswith((".png", ".jpg")) or name.startswith(("bomb", "truncated", "empty")):
            continue
        im = Image.open(f"{OUT}/{name}")
        im.seek(0)
        a = np.asarray(im.convert("RGB"))
        ref[name] = {"width": im.width, "height": im.height, "checksum": checksum(a),
                     "pixels": a.reshape(-1).tolist() if a.size <= 3 * 32 * 24 else None}
    with open(f"{OUT}/pil_reference.json", "w") as f:
        json.dump(ref, f)
    print(sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
