#!/usr/bin/env python3
# Builds the tokenizer.json fixtures under tests/fixtures/tokenizers/: real vocabularies rebuilt from the
# vocab-only GGUF files that llama.cpp ships (inside the llama-cpp-python sdist on PyPI), checked against
# llama.cpp's own reference encodings (made by the original Hugging Face tokenizers), plus small synthetic
# tokenizers trained here that exercise every component the C++ tokenizer supports.
# Pinned: tokenizers==0.23.3 gguf==0.19.0 llama-cpp-python==0.3.36 (sdist). Checked at run time.
# Usage: python3 scripts/tokenizer/make_fixtures.py [--sdist llama_cpp_python-0.3.36.tar.gz] [--only NAME ...]
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version

PINS = {"tokenizers": "0.23.3", "gguf": "0.19.0"}
LLAMA_CPP_PYTHON = "0.3.36"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "tokenizers")
MINIMAX = os.path.join(ROOT, "..", "shared", "fixtures", "minimax-text")

for pkg, want in PINS.items():
    if version(pkg) != want:
        sys.exit(f"{pkg}=={version(pkg)} installed, the fixtures are pinned to {pkg}=={want}")

import gguf  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
               r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def byte_level(add_prefix_space=False, trim_offsets=True, use_regex=True):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": trim_offsets,
            "use_regex": use_regex}


def split(pattern, behavior="Isolated", invert=False, string=False):
    return {"type": "Split", "pattern": {"String" if string else "Regex": pattern}, "behavior": behavior,
            "invert": invert}


def template(bos_name, bos_id, eos=None):
    single = [{"SpecialToken": {"id": bos_name, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]
    pair = single + [{"SpecialToken": {"id": bos_name, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}]
    specials = {bos_name: {"id": bos_name, "ids": [bos_id], "tokens": [bos_name]}}
    if eos:
        single.append({"SpecialToken": {"id": eos[0], "type_id": 0}})
        specials[eos[0]] = {"id": eos[0], "ids": [eos[1]], "tokens": [eos[0]]}
    return {"type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": specials}


# How each family's original tokenizer.json is laid out (the GGUF keeps only vocab, merges and token types).
FAMILIES = {
    "gpt2": dict(gguf="gpt-2", normalizer=None, pre_tokenizer=byte_level(),
                 post_processor=byte_level(True, False), decoder=byte_level(True), added_normalized=True),
    "llama3": dict(gguf="llama-bpe", normalizer=None,
                   pre_tokenizer={"type": "Sequence", "pretokenizers": [split(LLAMA3_SPLIT),
                                                                        byte_level(use_regex=False)]},
                   post_processor={"type": "Sequence", "processors": [
                       byte_level(True, False), template("<|begin_of_text|>", 128000)]},
                   decoder=byte_level(True), ignore_merges=True),
    "qwen2": dict(gguf="qwen2", normalizer={"type": "NFC"},
                  pre_tokenizer={"type": "Sequence", "pretokenizers": [split(QWEN2_SPLIT),
                                                                       byte_level(False, False, False)]},
                  post_processor=byte_level(False, False, False), decoder=byte_level(False, False, False),
                  skip_padding=True),
    "deepseek-coder": dict(gguf="deepseek-coder", normalizer={"type": "Sequence", "normalizers": []},
                           pre_tokenizer={"type": "Sequence", "pretokenizers": [
                               split("[\r\n]"), split(r"\s?\p{L}+"), split(r"\s?\p{P}+"),
                               split("[一-龥ࠀ-一가-퟿]+"), {"type": "Digits", "individual_digits": True},
                               byte_level(use_regex=False)]},
                           post_processor=template("<｜begin▁of▁sentence｜>", 32013), decoder=byte_level(),
                           skip_padding=True, added_normalized=True),
    "falcon": dict(gguf="falcon", normalizer=None,
                   pre_tokenizer={"type": "Sequence", "pretokenizers": [
                       {"type": "Punctuation", "behavior": "Contiguous"}, byte_level(),
                       {"type": "Digits", "individual_digits": False}, split("[0-9][0-9][0-9]")]},
                   post_processor=None, decoder=byte_level(), optional=True),
    "starcoder2": dict(gguf="starcoder", normalizer=None,
                       pre_tokenizer={"type": "Sequence", "pretokenizers": [
                           {"type": "Digits", "individual_digits": True}, byte_level()]},
                       post_processor=byte_level(False, True), decoder=byte_level(), optional=True),
    "llama2-spm": dict(gguf="llama-spm", spm=True),
}


def read_gguf(path):
    r = gguf.GGUFReader(path)
    f = {k: v.contents() for k, v in r.fields.items() if k.startswith("tokenizer.ggml.")}
    return f


def spm_merges(tokens, scores):
    # transformers' generate_merges (tokenization_utils_base.py), as its GGUF and slow->fast converters use.
    vocab = {t: i for i, t in enumerate(tokens)}
    merges = []
    for merge, score in zip(tokens, scores):
        local = [(merge[:i], merge[i:], score) for i in range(1, len(merge))
                 if merge[:i] in vocab and merge[i:] in vocab]
        merges.extend(sorted(local, key=lambda x: (vocab[x[0]], vocab[x[1]])))
    merges.sort(key=lambda v: (v[2], len(v[0]), len(v[1])), reverse=True)
    return [f"{a} {b}" for a, b, _ in merges]


def added(i, content, special, normalized=False, lstrip=False, rstrip=False, single_word=False):
    return {"id": i, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": normalized, "special": special}


def build_real(spec, models_dir):
    g = read_gguf(os.path.join(models_dir, f"ggml-vocab-{spec['gguf']}.gguf"))
    tokens, types = g["tokenizer.ggml.tokens"], g["tokenizer.ggml.token_type"]
    vocab = {t: i for i, t in enumerate(tokens)}
    if spec.get("spm"):
        # Llama 2 (meta-llama/Llama-2-7b-hf): SentencePiece BPE with byte fallback, the legacy
        # Prepend + Replace normalizer and the Replace/ByteFallback/Fuse/Strip decoder.
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [added(i, t, True) for i, t in enumerate(tokens) if types[i] in (2, 3)],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "Prepend", "prepend": "▁"},
                {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
            "pre_tokenizer": None,
            "post_processor": template("<s>", 1),
            "decoder": {"type": "Sequence", "decoders": [
                {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                {"type": "ByteFallback"}, {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
            "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
                      "ignore_merges": False, "vocab": vocab,
                      "merges": spm_merges(tokens, g["tokenizer.ggml.scores"])},
        }
    added_tokens = []
    for i, (t, ty) in enumerate(zip(tokens, types)):
        if ty == 3:
            added_tokens.append(added(i, t, True, normalized=spec.get("added_normalized", False)))
        elif ty == 4:
            if spec.get("skip_padding") and t.startswith("[PAD"):
                continue
            added_tokens.append(added(i, t, False, normalized=True))
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added_tokens,
        "normalizer": spec["normalizer"], "pre_tokenizer": spec["pre_tokenizer"],
        "post_processor": spec["post_processor"], "decoder": spec["decoder"],
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": spec.get("ignore_merges", False), "vocab": vocab,
                  "merges": list(g["tokenizer.ggml.merges"])},
    }


def check_against_llama_cpp(path, models_dir, gguf_name):
    """llama.cpp's .inp/.out pairs were written by the original HF tokenizer (convert_hf_to_gguf_update.py)."""
    inp = os.path.join(models_dir, f"ggml-vocab-{gguf_name}.gguf.inp")
    out = os.path.join(models_dir, f"ggml-vocab-{gguf_name}.gguf.out")
    if not os.path.exists(inp):
        return "no llama.cpp reference"
    texts = open(inp, encoding="utf-8", newline="").read().split("\n__ggml_vocab_test__\n")[:-1]
    ids = [[int(x) for x in line.split()] for line in open(out).read().split("\n")[:len(texts)]]
    tok = Tokenizer.from_file(path)
    bad = [(t, e, tok.encode(t, add_special_tokens=False).ids) for t, e in zip(texts, ids)
           if tok.encode(t, add_special_tokens=False).ids != e]
    if bad:
        for t, e, got in bad[:5]:
            print(f"  MISMATCH {t!r}: llama.cpp ref {e} rebuilt {got}")
        raise SystemExit(f"{path}: {len(bad)}/{len(texts)} llama.cpp reference encodings differ")
    return f"{len(texts)}/{len(texts)} llama.cpp reference encodings match"


def fetch_sdist(dest):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    f"llama-cpp-python=={LLAMA_CPP_PYTHON}", "-d", dest], check=True)
    return os.path.join(dest, f"llama_cpp_python-{LLAMA_CPP_PYTHON}.tar.gz")


def extract_models(sdist, dest):
    prefix = f"llama_cpp_python-{LLAMA_CPP_PYTHON}/vendor/llama.cpp/models/"
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(prefix + "ggml-vocab-")]
        tar.extractall(dest, members=members, filter="data")
    return os.path.join(dest, prefix)


def write(name, obj, optional=False, pretty=False):
    # Optional fixtures are not committed (size): tests/fixtures/tokenizers/.gitignore keeps optional/ out.
    d = os.path.join(OUT, "optional", name) if optional else os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "tokenizer.json")
    with open(path, "w", encoding="utf-8") as f:
        if pretty:
            json.dump(obj, f, ensure_ascii=False, indent=2)
        else:
            json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
    return path


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdist", help="llama_cpp_python sdist (downloaded with pip when absent)")
    ap.add_argument("--only", nargs="*", help="fixture names to (re)build")
    args = ap.parse_args()
    want = lambda n: not args.only or n in args.only  # noqa: E731
    manifest = []
    with tempfile.TemporaryDirectory() as tmp:
        if any(want(n) for n in FAMILIES):
            sdist = args.sdist or fetch_sdist(tmp)
            models_dir = extract_models(sdist, tmp)
            for name, spec in FAMILIES.items():
                if not want(name):
                    continue
                path = write(name, build_real(spec, models_dir), optional=spec.get("optional", False))
                gpath = os.path.join(models_dir, f"ggml-vocab-{spec['gguf']}.gguf")
                check = check_against_llama_cpp(path, models_dir, spec["gguf"])
                manifest.append((("optional/" if spec.get("optional") else "") + name, f"llama-cpp-python {LLAMA_CPP_PYTHON} sdist, vendor/llama.cpp/models/"
                                 f"ggml-vocab-{spec['gguf']}.gguf (sha256 {sha256(gpath)[:16]}...)", check,
                                 sha256(path), os.path.getsize(path)))
                print(manifest[-1])
    from synthetic_fixtures import build_synthetic  # noqa: E402  (same folder)
    for name, obj, note in build_synthetic(want):
        path = write(name, obj, pretty=name == "synth-bytelevel")
        manifest.append((name, note, "trained here", sha256(path), os.path.getsize(path)))
        print(manifest[-1][0], manifest[-1][3], manifest[-1][4])
    for name in ("a1-tiny-hybrid", "a2-tiny-bf16"):
        if want("minimax-" + name[:2]):
            src = os.path.join(MINIMAX, name, "tokenizer.json")
            path = os.path.join(OUT, "minimax-" + name[:2], "tokenizer.json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.copyfile(src, path)  # verbatim: HF's own pretty-printed layout
            manifest.append(("minimax-" + name[:2], f"shared/fixtures/minimax-text/{name}/tokenizer.json",
                             "copied", sha256(path), os.path.getsize(path)))
            print(manifest[-1])
    # One line per fixture; rows of fixtures not rebuilt this time are kept.
    mpath = os.path.join(OUT, "manifest.jsonl")
    rows = {}
    if os.path.exists(mpath):
        rows = {r["name"]: r for r in map(json.loads, open(mpath, encoding="utf-8"))}
    for row in manifest:
        old = rows.get(row[0])
        if old and old["sha256"] != row[3]:
            print(f"NOTE {row[0]}: sha256 differs from the manifest ({old['sha256'][:16]}... -> {row[3][:16]}...); "
                  "regenerate the goldens")
        elif old:
            print(f"{row[0]}: sha256 matches the manifest")
        rows[row[0]] = dict(zip(("name", "source", "check", "sha256", "bytes"), row))
    with open(mpath, "w", encoding="utf-8") as f:
        for name in sorted(rows):
            f.write(json.dumps(rows[name], ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
