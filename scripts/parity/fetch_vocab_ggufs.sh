#!/usr/bin/env bash
# Unpacks llama.cpp's vocabulary test files (models/ggml-vocab-*.gguf with .inp/.out reference
# encodings) from the pinned llama-cpp-python sdist on PyPI into DIR (default build/ggml-vocab), for
#   FARSIGHT_GGUF_VOCAB_DIR=DIR build/cpu/tests/engine/models/test_llama --gtest_filter='*LlamaCpp*'
set -euo pipefail
dir=${1:-build/ggml-vocab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: llama-cpp-python==0.3.36 -d "$tmp"
mkdir -p "$dir"
tar -xzf "$tmp"/llama_cpp_python-0.3.36.tar.gz -C "$tmp" --wildcards '*/vendor/llama.cpp/models/ggml-vocab-*'
cp "$tmp"/llama_cpp_python-0.3.36/vendor/llama.cpp/models/ggml-vocab-* "$dir"/
echo "$dir"
