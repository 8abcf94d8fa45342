// LlamaTensors: GGUF ↔ transformers tensor names (llama.cpp's llama-arch.cpp LLM_TENSOR_NAMES and
// convert_hf_to_gguf's tensor map), binding with checks, and the expert layouts of Mixtral.
#include "models/llama_tensors.h"

#include <cstring>
#include <map>

#include "io/json_util.h"

namespace farsight {
namespace {

// blk.N.<gguf> ↔ model.layers.N.<hf>
const std::pair<const char*, const char*> kLayerNames[] = {
    {"attn_norm.weight", "input_layernorm.weight"},
    {"attn_q.weight", "self_attn.q_proj.weight"},     {"attn_q.bias", "self_attn.q_proj.bias"},
    {"attn_k.weight", "self_attn.k_proj.weight"},     {"attn_k.bias", "self_attn.k_proj.bias"},
    {"attn_v.weight", "self_attn.v_proj.weight"},     {"attn_v.bias", "self_attn.v_proj.bias"},
    {"attn_output.weight", "self_attn.o_proj.weight"},
    {"ffn_norm.weight", "post_attention_layernorm.weight"},
    {"ffn_gate.weight", "mlp.gate_proj.weight"},      {"ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn_down.weight", "mlp.down_proj.weight"},
};

bool is_float(DType t) { return t == DType::f32 || t == DType::bf16 || t == DType::f16; }

std::string shape_str(const std::vector<int64_t>& s) {
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "]";
}

}  // namespace

std::string LlamaTensors::hf_name(const std::string& g) {
    if (g == "token_embd.weight") return "model.embed_tokens.weight";
    if (g == "output_norm.weight") return "model.norm.weight";
    if (g == "output.weight") return "lm_head.weight";
    if (g.rfind("blk.", 0) == 0) {
        const size_t dot = g.find('.', 4);
        if (dot != std::string::npos) {
            const std::string layer = g.substr(4, dot - 4), rest = g.substr(dot + 1);
            for (const auto& [gg, hf] : kLayerNames)
                if (rest == gg) return "model.layers." + layer + "." + hf;
        }
    }
    return g;
}

const void* LlamaTensors::find_raw(const std::string& name, DType* dtype, std::vector<int64_t>* shape, bool* aligned,
                                   uint64_t* n_bytes) const {
    if (m_gguf) {
        const GgufTensorInfo* t = m_gguf->find(name);
        if (!t) return nullptr;
        *dtype = t->dtype, *shape = t->shape, *aligned = true, *n_bytes = t->n_bytes;
        return m_gguf->data(*t);
    }
    const TensorInfo* t = m_store->find(name);
    if (!t) return nullptr;
    *dtype = t->dtype, *shape = t->shape, *aligned = t->aligned, *n_bytes = t->n_bytes;
    return m_store->data(*t);
}

bool LlamaTensors::has(const std::string& gguf_name) const {
    const std::string n = m_gguf ? gguf_name : hf_name(gguf_name);
    return m_gguf ? m_gguf->find(n) != nullptr : m_store->find(n) != nullptr;
}

void LlamaTensors::problem(ErrorCode code, std::string msg) {
    if (m_first_code == ErrorCode::ok) m_first_code = code;
    m_problems.push_back(std::move(msg));
}

TensorView LlamaTensors::bind_exact(const std::string& name, const std::vector<int64_t>& want, bool matrix, bool optional) {
    DType dt;
    std::vector<int64_t> shape;
    bool aligned;
    uint64_t n_bytes;
    const void* p = find_raw(name, &dt, &shape, &aligned, &n_bytes);
    if (!p) {
        if (!optional) problem(ErrorCode::not_found, "missing tensor " + quote_name(name));
        return {};
    }
    m_used.insert(name);
    if (shape != want) {
        problem(ErrorCode::bad_shape, "tensor " + quote_name(name) + " is " + shape_str(shape) + ", expected " + shape_str(want));
        return {};
    }
    if (!(is_float(dt) || (matrix && dtype_is_quantized(dt)))) {
        problem(ErrorCode::bad_dtype, "tensor " + quote_name(name) + " has dtype " + std::string(dtype_name(dt)) +
                                          (matrix ? "" : " (vectors must be f32/bf16/f16)"));
        return {};
    }
    if (!aligned) {  // safetensors data at an offset that is not a multiple of the element size
        auto buf = HostBuffer::allocate(n_bytes, false);
        if (!buf.ok()) {
            problem(ErrorCode::out_of_memory, "cannot copy unaligned tensor " + quote_name(name));
            return {};
        }
        std::memcpy(buf->data(), p, n_bytes);
        p = buf->data();
        m_owned.push_back(std::move(buf).value());
    }
    TensorView v;
    v.data = const_cast<void*>(p);  // read-only map: never written through
    v.dtype = dt;
    v.rank = static_cast<int>(want.size());
    for (size_t i = 0; i < want.size(); ++i) v.shape[i] = want[i];
    return v;
}

TensorView LlamaTensors::bind(const std::string& gguf_name, std::initializer_list<int64_t> shape, bool optional) {
    const std::string name = m_gguf ? gguf_name : hf_name(gguf_name);
    return bind_exact(name, std::vector<int64_t>(shape), shape.size() == 2, optional);
}

TensorView LlamaTensors::router(int64_t l, int64_t n_expert, int64_t n_embd) {
    const std::string L = std::to_string(l);
    if (m_gguf) return bind_exact("blk." + L + ".ffn_gate_inp.weight", {n_expert, n_embd}, true, false);
    const std::string legacy = "model.layers." + L + ".block_sparse_moe.gate.weight";
    if (m_store->find(legacy)) return bind_exact(legacy, {n_expert, n_embd}, true, false);
    return bind_exact("model.layers." + L + ".mlp.gate.weight", {n_expert, n_embd}, true, false);
}

TensorView LlamaTensors::expert(int64_t l, int64_t e, ExpertPart part, int64_t n_ff, int64_t n_embd) {
    const std::string L = std::to_string(l), E = std::to_string(e);
    const std::vector<int64_t> shape = part == ExpertPart::down ? std::vector<int64_t>{n_embd, n_ff} : std::vector<int64_t>{n_ff, n_embd};
    static const char* gguf_part[] = {"gate", "up", "down"};
    static const char* hf_part[] = {"w1", "w3", "w2"};
    const int pi = static_cast<int>(part);
    auto slice = [&](const std::string& name, const std::vector<int64_t>& full, int64_t index, int64_t row0) -> TensorView {
        DType dt;
        std::vector<int64_t> s;
        bool aligned;
        uint64_t nb;
        if (!find_raw(name, &dt, &s, &aligned, &nb)) return {};
        if (e == 0 && row0 == 0) {
            // Bind (and check) the whole stacked tensor once.
            TensorView all = bind_exact(name, full, false, false);
            if (all.empty()) return {};
        } else if (s != full) {
            return {};  // already reported
        }
        DType d2 = dt;
        const void* base = find_raw(name, &d2, &s, &aligned, &nb);
        if (!aligned) return {};  // stacked expert tensors are always aligned in practice; reported by bind_exact
        uint64_t row_bytes = 0;
        dtype_bytes(dt, static_cast<uint64_t>(full.back()), &row_bytes);
        const uint64_t off = (static_cast<uint64_t>(index) * static_cast<uint64_t>(full[1]) + static_cast<uint64_t>(row0)) * row_bytes;
        TensorView v;
        v.data = const_cast<uint8_t*>(static_cast<const uint8_t*>(base) + off);
        v.dtype = dt;
        v.rank = 2;
        v.shape[0] = shape[0];
        v.shape[1] = shape[1];
        return v;
    };
    if (m_gguf) {
        const std::string merged = "blk." + L + ".ffn_" + gguf_part[pi] + "_exps.weight";
        if (m_gguf->find(merged)) {
            // Stacked [n_expert, rows, cols]; the expert count comes from the file's own shape.
            const GgufTensorInfo* t = m_gguf->find(merged);
            std::vector<int64_t> full = {t->shape.empty() ? 0 : t->shape[0], shape[0], shape[1]};
            return slice(merged, full, e, 0);
        }
        return bind_exact("blk." + L + ".ffn_" + gguf_part[pi] + "." + E + ".weight", shape, true, false);
    }
    const std::string legacy = "model.layers." + L + ".block_sparse_moe.experts." + E + "." + hf_part[pi] + ".weight";
    if (m_store->find(legacy)) return bind_exact(legacy, shape, true, false);
    const std::string fused = "model.layers." + L + ".mlp.experts." + (part == ExpertPart::down ? "down_proj" : "gate_up_proj");
    const TensorInfo* t = m_store->find(fused);
    if (!t) {
        problem(ErrorCode::not_found, "missing tensor " + quote_name(legacy));
        return {};
    }
    const int64_t n_expert = t->shape.empty() ? 0 : t->shape[0];
    if (part == ExpertPart::down) return slice(fused, {n_expert, n_embd, n_ff}, e, 0);
    return slice(fused, {n_expert, 2 * n_ff, n_embd}, e, part == ExpertPart::up ? n_ff : 0);
}

Status LlamaTensors::finish() const {
    std::vector<std::string> problems = m_problems;
    ErrorCode code = m_first_code;
    std::vector<std::string> names;
    if (m_gguf) {
        for (const GgufTensorInfo& t : m_gguf->tensors()) names.push_back(t.name);
    } else {
        for (const TensorInfo* t : m_store->tensors()) names.push_back(t->name);
    }
    for (const std::string& n : names) {
        // Precomputed rotary tables some converters store are not weights.
        if (m_used.count(n) || n.find("rotary_emb.inv_freq") != std::string::npos) continue;
        if (code == ErrorCode::ok) code = ErrorCode::mismatch;
        problems.push_back("unexpected tensor " + quote_name(n));
    }
    if (problems.empty()) return {};
    std::string msg = std::to_string(problems.size()) + " problem(s) with the model's tensors: ";
    for (size_t i = 0; i < problems.size() && i < 5; ++i) msg += (i ? "; " : "") + problems[i];
    if (problems.size() > 5) msg += "; ...";
    return Status(code, msg);
}

std::string LlamaTensors::fingerprint() const { return m_gguf ? m_gguf->fingerprint() : m_store->fingerprint(); }

uint64_t LlamaTensors::total_bytes() const { return m_gguf ? m_gguf->tensor_bytes() : m_store->total_bytes(); }

std::string LlamaTensors::dominant_dtype() const {
    std::map<DType, uint64_t> by;
    if (m_gguf) {
        for (const GgufTensorInfo& t : m_gguf->tensors()) by[t.dtype] += t.n_bytes;
    } else {
        for (const TensorInfo* t : m_store->tensors()) by[t->dtype] += t->n_bytes;
    }
    DType best = DType::f32;
    uint64_t n = 0;
    for (auto [d, b] : by)
        if (b > n) n = b, best = d;
    return std::string(dtype_name(best));
}

}  // namespace farsight
