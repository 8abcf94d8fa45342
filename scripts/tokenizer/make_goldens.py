#!/usr/bin/env python3
# Encodes the parity corpus (corpus.py) with the reference Hugging Face `tokenizers` library for every
# fixture under tests/fixtures/tokenizers/ and writes tests/fixtures/tokenizers/goldens/<name>.json plus
# corpus.json (the texts and generation rules the C++ test replays), and components.json (components.py).
# Pinned: tokenizers==0.23.3 (checked at run time).
# Usage: python3 scripts/tokenizer/make_goldens.py
import hashlib
import json
import os
import sys
from importlib.metadata import version

PIN = "0.23.3"
if version("tokenizers") != PIN:
    sys.exit(f"tokenizers=={version('tokenizers')} installed, the goldens are pinned to tokenizers=={PIN}")

from tokenizers import Tokenizer  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import CASES, GENERATED, INVALID_UTF8, BENCH, SEPARATORS, generate  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "tokenizers")
BIG = 4096  # ids lists / texts longer than this are stored as count + hash + head


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & ((1 << 64) - 1)
    return f"{h:016x}"


def ids_digest(ids):
    if len(ids) <= BIG:
        return ids
    raw = b"".join(i.to_bytes(4, "little", signed=True) for i in ids)
    return {"n": len(ids), "fnv1a64": fnv1a64(raw), "head": ids[:64]}


def text_digest(s):
    b = s.encode("utf-8")
    if len(b) <= BIG:
        return s
    return {"n": len(b), "fnv1a64": fnv1a64(b)}


def inputs():
    for name, text in CASES.items():
        yield name, text
    for name, hx in INVALID_UTF8.items():
        yield name, bytes.fromhex(hx).decode("utf-8", "replace")
    for name, rule in GENERATED.items():
        yield name, generate(rule)


def fixtures():
    for entry in sorted(os.listdir(FIXTURES)):
        for sub in ([entry] if entry != "optional" else
                    [os.path.join("optional", e) for e in sorted(os.listdir(os.path.join(FIXTURES, entry)))]):
            path = os.path.join(FIXTURES, sub, "tokenizer.json")
            if os.path.isfile(path):
                yield os.path.basename(sub), path


def main():
    os.makedirs(os.path.join(FIXTURES, "goldens"), exist_ok=True)
    with open(os.path.join(FIXTURES, "corpus.json"), "w", encoding="utf-8") as f:
        # Lists, not objects: readers must keep corpus.py's order (the "mix" rule indexes into it).
        json.dump({"generator": "scripts/tokenizer/corpus.py",
                   "cases": [{"name": k, "text": v} for k, v in CASES.items()],
                   "invalid_utf8": [{"name": k, "hex": v, "replaced": bytes.fromhex(v).decode("utf-8", "replace")}
                                    for k, v in INVALID_UTF8.items()],
                   "generated": GENERATED, "bench": BENCH, "separators": SEPARATORS}, f, ensure_ascii=False,
                  indent=0)
    from components import component_cases  # noqa: E402
    with open(os.path.join(FIXTURES, "components.json"), "w", encoding="utf-8") as f:
        json.dump(component_cases(), f, ensure_ascii=False, separators=(",", ":"))
    all_inputs = list(inputs())
    for name, path in fixtures():
        tok = Tokenizer.from_file(path)
        cases = {}
        for cname, text in all_inputs:
            ids = tok.encode(text, add_special_tokens=False).ids
            case = {"ids": ids_digest(ids)}
            ids_special = tok.encode(text, add_special_tokens=True).ids
            if ids_special != ids:
                case["ids_special"] = ids_digest(ids_special)
            # encode_special_tokens = True: special added tokens in the text are encoded as plain text
            # (the C++ encode's parse_special = false).
            tok.encode_special_tokens = True
            ids_plain = tok.encode(text, add_special_tokens=False).ids
            tok.encode_special_tokens = False
            if ids_plain != ids:
                case["ids_split_special"] = ids_digest(ids_plain)
            dec = tok.decode(ids, skip_special_tokens=False)
            if dec != text:
                case["decode"] = text_digest(dec)
            dec_skip = tok.decode(ids, skip_special_tokens=True)
            if dec_skip != dec:
                case["decode_skip"] = text_digest(dec_skip)
            cases[cname] = case
        golden = {"tokenizer": name, "tokenizers_version": PIN,
                  "tokenizer_sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
                  "vocab_size_with_added": tok.get_vocab_size(with_added_tokens=True), "cases": cases}
        out = os.path.join(FIXTURES, "goldens", f"{name}.json")
        with open(out, "w", encoding="utf-8") as f:
            json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
        print(f"{name}: {len(cases)} cases, {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
