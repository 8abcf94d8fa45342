// LlamaTensors: the tensors of a llama-family checkpoint by their GGUF names ("blk.3.attn_q.weight"),
// from a GGUF file or a Hugging Face safetensors folder (names translated to transformers' own:
// "model.layers.3.self_attn.q_proj.weight"). Checks shape and dtype, reports every missing,
// mis-shaped or unused tensor at once (like WeightBinder), and copies unaligned safetensors data.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/buffer.h"
#include "io/gguf.h"
#include "io/weight_store.h"

namespace farsight {

enum class ExpertPart : uint8_t { gate, up, down };

class LlamaTensors {
public:
    explicit LlamaTensors(std::shared_ptr<const GgufFile> gguf) : m_gguf(std::move(gguf)) {}
    explicit LlamaTensors(std::shared_ptr<const WeightStore> store) : m_store(std::move(store)) {}

    bool is_gguf() const { return m_gguf != nullptr; }
    bool has(const std::string& gguf_name) const;
    // A matrix/vector with exactly `shape`. Matrices (rank 2) may be any matmul dtype; vectors must
    // be f32/bf16/f16. Empty view + a recorded problem when absent or wrong (unless optional).
    TensorView bind(const std::string& gguf_name, std::initializer_list<int64_t> shape, bool optional = false);
    // Expert e's gate/up [n_ff, n_embd] or down [n_embd, n_ff] of layer l, from any of the layouts:
    // GGUF merged (ffn_*_exps), GGUF split (ffn_*.E), HF legacy (block_sparse_moe.experts.E.w1/w3/w2)
    // or transformers 5's fused (mlp.experts.gate_up_proj / down_proj).
    TensorView expert(int64_t l, int64_t e, ExpertPart part, int64_t n_ff, int64_t n_embd);
    // Router [n_expert, n_embd] of layer l.
    TensorView router(int64_t l, int64_t n_expert, int64_t n_embd);

    Status finish() const;  // ok, or the problems (first few) with the first problem's code
    std::string fingerprint() const;
    uint64_t total_bytes() const;
    std::string dominant_dtype() const;
    static std::string hf_name(const std::string& gguf_name);

private:
    const void* find_raw(const std::string& name, DType* dtype, std::vector<int64_t>* shape, bool* aligned, uint64_t* n_bytes) const;
    TensorView bind_exact(const std::string& name, const std::vector<int64_t>& shape, bool matrix, bool optional);
    void problem(ErrorCode code, std::string msg);

    std::shared_ptr<const GgufFile> m_gguf;
    std::shared_ptr<const WeightStore> m_store;
    std::vector<HostBuffer> m_owned;
    std::set<std::string> m_used;
    std::vector<std::string> m_problems;
    ErrorCode m_first_code = ErrorCode::ok;
};

}  // namespace farsight
