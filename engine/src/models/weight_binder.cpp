// WeightBinder implementation.
#include "models/weight_binder.h"

#include <cstring>

namespace farsight {

TensorView WeightBinder::bind(const std::string& name, std::initializer_list<int64_t> shape,
                              std::initializer_list<DType> dtypes) {
    const std::string full = m_prefix + name;
    m_used.insert(full);
    const TensorInfo* info = m_store.find(full);
    auto problem = [&](ErrorCode code, const std::string& msg) {
        if (m_first_code == ErrorCode::ok) m_first_code = code;
        m_problems.push_back(msg);
        return TensorView();
    };
    if (!info) return problem(ErrorCode::not_found, "missing tensor " + full);
    bool shape_ok = info->shape.size() == shape.size();
    if (shape_ok) {
        size_t i = 0;
        for (int64_t d : shape) shape_ok &= info->shape[i++] == d;
    }
    if (!shape_ok) {
        std::string want = "[", got = "[";
        for (int64_t d : shape) want += (want.size() > 1 ? ", " : "") + std::to_string(d);
        for (int64_t d : info->shape) got += (got.size() > 1 ? ", " : "") + std::to_string(d);
        return problem(ErrorCode::bad_shape, full + " has shape " + got + "], expected " + want + "]");
    }
    bool dtype_ok = false;
    for (DType d : dtypes) dtype_ok |= info->dtype == d;
    if (!dtype_ok) return problem(ErrorCode::bad_dtype, full + " has unsupported dtype " + std::string(dtype_name(info->dtype)));
    TensorView v = m_store.view(*info);
    if (!info->aligned) {
        auto buf = HostBuffer::allocate(info->n_bytes, false);
        if (!buf.ok()) return problem(ErrorCode::out_of_memory, buf.status().message());
        std::memcpy(buf->data(), m_store.data(*info), info->n_bytes);
        v.data = buf->data();
        m_owned->push_back(std::move(buf).value());
    }
    return v;
}

Status WeightBinder::finish() const {
    std::vector<std::string> problems = m_problems;
    ErrorCode code = m_first_code;
    for (const TensorInfo* t : m_store.tensors()) {
        if (m_used.count(t->name) || (m_ignore && m_ignore(t->name))) continue;
        if (!m_prefix.empty() && is_vl_component_tensor(t->name)) continue;
        if (code == ErrorCode::ok) code = ErrorCode::mismatch;
        problems.push_back("unexpected tensor " + t->name);
    }
    if (problems.empty()) return {};
    std::string msg = "the weights do not match the architecture in config.json (" + std::to_string(problems.size()) +
                      " problem" + (problems.size() > 1 ? "s" : "") + "): ";
    for (size_t i = 0; i < problems.size() && i < 5; ++i) msg += (i ? "; " : "") + problems[i];
    if (problems.size() > 5) msg += "; ...";
    return Status(code, msg);
}

bool is_vl_component_tensor(const std::string& name) {
    for (const char* p : {"vision_tower.", "multi_modal_projector.", "image_newline"})
        if (name.rfind(p, 0) == 0) return true;
    return false;
}

std::string detect_text_prefix(const WeightStore& store) {
    if (!store.find("model.embed_tokens.weight") && store.find("language_model.model.embed_tokens.weight"))
        return "language_model.";
    return "";
}

}  // namespace farsight
