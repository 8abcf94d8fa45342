# Component-level parity cases: each normalizer, pre-tokenizer and decoder configuration the C++ tokenizer
# supports, run by the reference library on awkward inputs (empty regex matches, every Split behaviour and
# invert, Unicode casing and normalization, Metaspace schemes, byte fallback). make_goldens.py writes the
# results to tests/fixtures/tokenizers/components.json.
import json

from tokenizers import Regex, decoders, normalizers, pre_tokenizers

TEXTS = [
    "", " ", "ab  b\nb  \ncd", "  Hello  World!  ", "x'S y'll DON'T 12345 ½² ٣4 Ⅻ",
    "Straße İstanbul ΣΑΣ ǅ Ǆ ﬁ ① ㎏ ｆｕｌｌ", "e\u0301cole na\u0308ive \u1e9b\u0323 A\u030a",
    "a\u00a0b\u2003c\u0085d\u200be\u180ef\u3000g", "▁already▁ ▁▁x", "👨‍👩‍👧 🏳️‍🌈 👍🏽",
    "a,b$c+d«e»f…g¿h¡ (x) [y] {z}", "\t\ttabs\r\n\r\nlines\n", "中文，标点。日本語！",
]


def _state(obj):
    return json.loads(obj.__getstate__())


def pre_tokenizer_configs():
    out = []
    patterns = [Regex(r"\s*"), Regex("a*"), Regex("(?=b)"), Regex("$"), Regex("^"), Regex(r"\s+$"),
                Regex(r"\p{P}"), Regex(r"\s+"), Regex(r"(?i:'s|'ll|'t)"), Regex(r"\w+"), Regex(r"[^\s\w]+"),
                " ", "ab", "▁", ""]
    for pat in patterns:
        for beh in ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]:
            for inv in [False, True]:
                out.append(pre_tokenizers.Split(pat, beh, invert=inv))
    out += [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.Digits(individual_digits=False),
            pre_tokenizers.Whitespace(), pre_tokenizers.WhitespaceSplit(), pre_tokenizers.CharDelimiterSplit("b")]
    out += [pre_tokenizers.Punctuation(behavior=b) for b in
            ["removed", "isolated", "merged_with_previous", "merged_with_next", "contiguous"]]
    for scheme in ["always", "never", "first"]:
        for split in [True, False]:
            out.append(pre_tokenizers.Metaspace(replacement="▁", prepend_scheme=scheme, split=split))
    out.append(pre_tokenizers.Metaspace(replacement="_", prepend_scheme="always", split=True))
    for aps in [True, False]:
        for rx in [True, False]:
            out.append(pre_tokenizers.ByteLevel(add_prefix_space=aps, use_regex=rx))
    out.append(pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(
        prepend_scheme="first"), pre_tokenizers.Digits(individual_digits=True)]))
    return out


def normalizer_configs():
    return [normalizers.NFC(), normalizers.NFD(), normalizers.NFKC(), normalizers.NFKD(), normalizers.Lowercase(),
            normalizers.Strip(), normalizers.Strip(left=True, right=False), normalizers.Strip(left=False, right=True),
            normalizers.StripAccents(), normalizers.Replace(" ", "▁"), normalizers.Replace(Regex(r"\s+"), " "),
            normalizers.Replace(Regex(r"\s*"), "|"), normalizers.Replace(Regex("(?i)s"), "$"),
            normalizers.Prepend("▁"), normalizers.ByteLevel(),
            normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents(), normalizers.Lowercase()]),
            normalizers.Sequence([])]


DECODER_INPUTS = [
    [], ["Hello"], ["▁Hello", "▁world", "!"], ["▁▁a▁b", "▁c▁"], ["ĠHello", "Ġwor", "ld", "Ċ", "Ã©"],
    ["<0x61>", "<0xE2>", "<0x82>", "x", "<0xE2>", "<0x82>", "<0xAC>", "<0x4>", "<0x4G>", "<0x0A>"],
    ["hel", "##lo", "world", "##s", ".", "do", "n't", "I", "'m", "not", ",", "ok", "?"],
    ["hel", "lo</w>", "wor", "ld</w>"], ["  a  ", " b ", "c"], ["a b", "Ġ", "é", "Ã"],
]


def decoder_configs():
    return [decoders.ByteLevel(), decoders.Metaspace(prepend_scheme="always"),
            decoders.Metaspace(prepend_scheme="never"), decoders.Metaspace(prepend_scheme="first"),
            decoders.Replace("▁", " "), decoders.Replace(Regex("l+"), "L"), decoders.Strip(" ", 1, 0),
            decoders.Strip(" ", 2, 1), decoders.Fuse(), decoders.ByteFallback(), decoders.BPEDecoder(),
            decoders.WordPiece(), decoders.WordPiece(prefix="##", cleanup=False),
            decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                               decoders.Strip(" ", 1, 0)])]


def component_cases():
    cases = []
    for p in pre_tokenizer_configs():
        cases.append({"kind": "pre_tokenizer", "config": _state(p),
                      "outputs": [[s for s, _ in p.pre_tokenize_str(t)] for t in TEXTS]})
    for n in normalizer_configs():
        cases.append({"kind": "normalizer", "config": _state(n), "outputs": [n.normalize_str(t) for t in TEXTS]})
    for d in decoder_configs():
        cases.append({"kind": "decoder", "config": _state(d), "outputs": [d.decode(toks) for toks in DECODER_INPUTS]})
    return {"texts": TEXTS, "decoder_inputs": DECODER_INPUTS, "cases": cases}
