# Small tokenizers trained here with the reference library (see make_fixtures.py for the pins), each built to
# exercise components the real fixtures do not: Metaspace (every prepend scheme, split on/off), byte
# fallback + unk, every Split behaviour and invert, Digits, Punctuation, Whitespace/WhitespaceSplit,
# CharDelimiterSplit, normalizers (NFKC, NFD, NFKD, Lowercase, StripAccents, Strip, Replace, Prepend),
# added-token flags (lstrip, rstrip, single_word, normalized), subword prefix/suffix and their decoders.
import copy
import json

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import trainers

from corpus import training_text


def _train(tok, size, **kw):
    trainer = trainers.BpeTrainer(vocab_size=size, show_progress=False, **kw)
    tok.train_from_iterator(training_text(), trainer)
    return json.loads(tok.to_str())


def _add_bytes(obj):
    """Byte-fallback vocabularies carry <0x00>..<0xFF> as ordinary model tokens."""
    vocab = obj["model"]["vocab"]
    nxt = max(vocab.values()) + 1
    for b in range(256):
        name = f"<0x{b:02X}>"
        if name not in vocab:
            vocab[name] = nxt
            nxt += 1


def metaspace():
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    obj = _train(tok, 1200, special_tokens=["<unk>", "<s>", "</s>"])
    _add_bytes(obj)
    tok = Tokenizer.from_str(json.dumps(obj))
    tok.add_special_tokens([AddedToken("<|tool|>", lstrip=True, rstrip=True, normalized=False, special=True)])
    tok.add_tokens([AddedToken("[MASK]", single_word=True, normalized=False),
                    AddedToken("hello world", normalized=True)])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    tok.decoder = decoders.Sequence([decoders.Metaspace(replacement="▁", prepend_scheme="first"),
                                     decoders.ByteFallback(), decoders.Fuse()])
    return json.loads(tok.to_str())


def metaspace_variants(base):
    always = copy.deepcopy(base)
    always["normalizer"] = {"type": "NFKD"}
    always["pre_tokenizer"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always",
                               "split": False}
    always["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
        {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    always["post_processor"] = None
    never = copy.deepcopy(base)
    never["normalizer"] = None
    never["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "WhitespaceSplit"},
        {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never", "split": True}]}
    never["decoder"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never", "split": True}
    return always, never


def split_mix():
    """Byte-level BPE behind a deliberately busy normalizer and pre-tokenizer chain."""
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.normalizer = normalizers.Sequence([
        normalizers.NFD(), normalizers.StripAccents(), normalizers.Lowercase(),
        normalizers.Replace(Regex(r"[ \t]+\n"), "\n"), normalizers.Replace("``", '"'),
        normalizers.Strip(left=False, right=True)])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split("\n", behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"\p{P}"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex(r"[^\s\p{P}]+"), behavior="isolated", invert=True),
        pre_tokenizers.Split(Regex(r"[aeiou]{2,}"), behavior="contiguous"),
        pre_tokenizers.Digits(individual_digits=False),
        pre_tokenizers.Split(Regex(r"\p{N}{4}"), behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=False)])
    obj = _train(tok, 1500, special_tokens=["<|bos|>", "<|eos|>"],
                 initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer.from_str(json.dumps(obj))
    tok.add_tokens([AddedToken("<think>", rstrip=True, normalized=False),
                    AddedToken("</think>", lstrip=True, normalized=False),
                    AddedToken("Straße", normalized=True), AddedToken("a[MASK]b", single_word=True)])
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|bos|> $A <|eos|>", special_tokens=[
            ("<|bos|>", tok.token_to_id("<|bos|>")), ("<|eos|>", tok.token_to_id("<|eos|>"))])])
    tok.decoder = decoders.Sequence([decoders.ByteLevel(), decoders.Strip(" ", 1, 0)])
    return json.loads(tok.to_str())


def byte_level_plain():
    """GPT-2 shape with add_prefix_space, a pretty-printed file, list-form merges and a Roberta processor."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace("\u2581", " ")])
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    obj = _train(tok, 900, special_tokens=["<s>", "</s>", "<pad>"],
                 initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer.from_str(json.dumps(obj))
    tok.post_processor = processors.RobertaProcessing(("</s>", 1), ("<s>", 0))
    tok.decoder = decoders.ByteLevel()
    return json.loads(tok.to_str())


def whitespace_suffix():
    """Whitespace pre-tokenizer, end-of-word suffix and the BPE decoder; Punctuation and CharDelimiterSplit."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.CharDelimiterSplit("|"), pre_tokenizers.Whitespace(),
        pre_tokenizers.Punctuation(behavior="isolated")])
    obj = _train(tok, 1000, special_tokens=["[UNK]", "[CLS]", "[SEP]"], end_of_word_suffix="</w>")
    tok = Tokenizer.from_str(json.dumps(obj))
    tok.post_processor = processors.BertProcessing(("[SEP]", 2), ("[CLS]", 1))
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    return json.loads(tok.to_str())


def wordpiece_prefix():
    """Continuing-subword prefix with the WordPiece decoder; WhitespaceSplit and Digits(individual)."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##"))
    tok.normalizer = normalizers.Sequence([normalizers.Strip(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Punctuation(behavior="contiguous")])
    obj = _train(tok, 1000, special_tokens=["[UNK]"], continuing_subword_prefix="##")
    obj["decoder"] = {"type": "WordPiece", "prefix": "##", "cleanup": True}
    return obj


def build_synthetic(want):
    out = []
    if want("synth-metaspace") or want("synth-metaspace-always") or want("synth-metaspace-never"):
        base = metaspace()
        always, never = metaspace_variants(base)
        out += [("synth-metaspace", base, "Metaspace first/split, NFKC, byte fallback, added-token flags"),
                ("synth-metaspace-always", always, "Metaspace always/no split, NFKD, legacy decoder"),
                ("synth-metaspace-never", never, "WhitespaceSplit + Metaspace never, Metaspace decoder")]
    if want("synth-split"):
        out.append(("synth-split", split_mix(), "every Split behaviour, normalizer chain, ignore_merges"))
    if want("synth-bytelevel"):
        obj = byte_level_plain()
        obj["model"]["merges"] = [m.split(" ") if isinstance(m, str) else m for m in obj["model"]["merges"]]
        out.append(("synth-bytelevel", obj, "ByteLevel add_prefix_space, Prepend/Replace, list merges"))
    if want("synth-whitespace"):
        out.append(("synth-whitespace", whitespace_suffix(), "Whitespace, Punctuation, end_of_word_suffix"))
    if want("synth-wordpiece"):
        out.append(("synth-wordpiece", wordpiece_prefix(), "continuing_subword_prefix, WordPiece decoder"))
    return out
