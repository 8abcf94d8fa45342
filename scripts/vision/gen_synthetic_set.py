#!/usr/bin/env python3
"""A small labelled synthetic vision set with exact ground truth, for `farsight-cli eval-vision`:
  shapes  grounding — "Locate the <colour> <shape>": one target among distractors, box in pixels;
  text    OCR       — lines of rendered words (DejaVu Sans), the text as written;
  text_noisy OCR    — the same at 11–15 px on a textured background, blurred, with pixel noise;
  counts  counting  — N copies of one shape among others of another colour, the number N.
Deterministic (seeded), images of assorted aspect ratios, PNGs of a few KB.
Writes tests/fixtures/vision/synthetic/{dataset.jsonl, images/*.png}.
Pinned: Pillow==13.0.0 (font rasterisation may differ in other releases; the PNGs are committed).
Font: /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (Debian fonts-dejavu-core)."""
import json
import os
import random

from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "../../tests/fixtures/vision/synthetic")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
COLOURS = {"red": (220, 30, 30), "green": (30, 160, 60), "blue": (40, 70, 220), "yellow": (235, 200, 20),
           "purple": (140, 50, 170), "orange": (245, 130, 20)}
SHAPES = ["circle", "square", "triangle"]
SIZES = [(320, 240), (400, 200), (200, 400), (256, 256), (480, 160), (300, 360)]
WORDS = ("the quick brown fox jumps over lazy dog river stone paper light green seven ocean market "
         "window garden yellow number signal coffee bridge winter orange planet silver").split()


def draw_shape(d, kind, box, colour):
    x1, y1, x2, y2 = box
    if kind == "circle":
        d.ellipse(box, fill=colour)
    elif kind == "square":
        d.rectangle(box, fill=colour)
    else:
        d.polygon([((x1 + x2) / 2, y1), (x2, y2), (x1, y2)], fill=colour)


def place(rng, w, h, size, taken):
    for _ in range(200):
        x, y = rng.randint(4, w - size - 4), rng.randint(4, h - size - 4)
        b = (x, y, x + size - 1, y + size - 1)
        if all(b[2] + 4 < t[0] or t[2] + 4 < b[0] or b[3] + 4 < t[1] or t[3] + 4 < b[1] for t in taken):
            taken.append(b)
            return b
    return None


def background(rng, w, h):
    img = Image.new("RGB", (w, h), tuple(rng.randint(225, 250) for _ in range(3)))
    return img, ImageDraw.Draw(img)


def shapes_sample(rng, i):
    w, h = SIZES[i % len(SIZES)]
    img, d = background(rng, w, h)
    taken = []
    kind, colour = rng.choice(SHAPES), rng.choice(list(COLOURS))
    size = rng.randint(min(w, h) // 6, min(w, h) // 3)
    target = place(rng, w, h, size, taken)
    draw_shape(d, kind, target, COLOURS[colour])
    for _ in range(rng.randint(2, 5)):  # distractors differ in shape or colour
        k, c = rng.choice(SHAPES), rng.choice(list(COLOURS))
        if (k, c) == (kind, colour):
            continue
        b = place(rng, w, h, rng.randint(min(w, h) // 8, min(w, h) // 4), taken)
        if b:
            draw_shape(d, k, b, COLOURS[c])
    x1, y1, x2, y2 = target
    return img, {"task": "grounding", "source": "shapes", "label": f"{colour} {kind}",
                 "question": f"Locate the {colour} {kind} in the image. Answer with its bounding box.",
                 "answer": {"boxes": [[x1, y1, x2 + 1, y2 + 1]]}}


def text_sample(rng, i, noisy=False):
    w, h = SIZES[i % len(SIZES)]
    w, h = max(w, 320), max(h, 120)
    img, d = background(rng, w, h)
    if noisy:
        for _ in range(40):  # faint strokes behind the text
            x, y = rng.randint(0, w), rng.randint(0, h)
            d.line((x, y, x + rng.randint(-60, 60), y + rng.randint(-60, 60)), fill=(rng.randint(170, 215),) * 3, width=1)
    font = ImageFont.truetype(FONT, rng.choice([11, 12, 13, 15] if noisy else [18, 22, 26, 30]))
    lines, y = [], 8
    while True:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            line = line.capitalize()
        if rng.random() < 0.25:
            line += f" {rng.randint(10, 999)}"
        bb = d.textbbox((10, y), line, font=font)
        if bb[2] > w - 6 or bb[3] > h - 6 or len(lines) >= 4:
            break
        d.text((10, y), line, fill=(rng.randint(0, 60),) * 3, font=font)
        lines.append(line)
        y = bb[3] + rng.randint(6, 14)
    if noisy:
        from PIL import ImageFilter
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        px = img.load()
        for _ in range(w * h // 25):
            x, y, v = rng.randrange(w), rng.randrange(h), rng.randint(-60, 60)
            px[x, y] = tuple(max(0, min(255, c + v)) for c in px[x, y])
    return img, {"task": "ocr", "source": "text_noisy" if noisy else "text", "question": "Read all the text in the image.",
                 "answer": "\n".join(lines)}


def noisy_text_sample(rng, i):
    return text_sample(rng, i, noisy=True)


def counts_sample(rng, i):
    w, h = SIZES[(i + 2) % len(SIZES)]
    img, d = background(rng, w, h)
    taken = []
    kind, colour = rng.choice(SHAPES), rng.choice(list(COLOURS))
    n, placed = rng.randint(1, 9), 0
    for _ in range(n):
        b = place(rng, w, h, rng.randint(18, 30), taken)
        if b:
            draw_shape(d, kind, b, COLOURS[colour])
            placed += 1
    other = rng.choice([c for c in COLOURS if c != colour])
    for _ in range(rng.randint(0, 4)):
        b = place(rng, w, h, rng.randint(18, 30), taken)
        if b:
            draw_shape(d, rng.choice(SHAPES), b, COLOURS[other])
    return img, {"task": "counting", "source": "counts", "question": f"How many {colour} {kind}s are there? "
                 "Answer with a number.", "answer": placed}


def main():
    rng = random.Random(20240611)
    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    rows = []
    for name, fn, n in (("shapes", shapes_sample, 12), ("text", text_sample, 12), ("counts", counts_sample, 12),
                        ("text_noisy", noisy_text_sample, 12)):
        for i in range(n):
            img, rec = fn(rng, i)
            path = f"images/{name}_{i:02d}.png"
            img.save(os.path.join(OUT, path), optimize=True)
            rows.append({"id": f"{name}-{i:02d}", "image": path, **rec})
    with open(os.path.join(OUT, "dataset.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(len(rows), "samples")


if __name__ == "__main__":
    main()
