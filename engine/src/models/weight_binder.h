// WeightBinder: binds named tensors of a WeightStore to an architecture's weights struct, checking
// shape and dtype, and reports every missing, mis-shaped or unexpected tensor at once.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/buffer.h"
#include "io/weight_store.h"

namespace farsight {

class WeightBinder {
public:
    WeightBinder(const WeightStore& store, std::string prefix, std::vector<HostBuffer>* owned)
        : m_store(store), m_prefix(std::move(prefix)), m_owned(owned) {}

    // Binds prefix+name with exactly `shape`; dtype must be f32, bf16 or f16 (or in `dtypes`).
    TensorView bind(const std::string& name, std::initializer_list<int64_t> shape,
                    std::initializer_list<DType> dtypes = {DType::f32, DType::bf16, DType::f16});
    // Tensors that may be present and are deliberately not used (e.g. HF-native decay buffers).
    void ignore_if(const std::function<bool(const std::string&)>& pred) { m_ignore = pred; }

    // ok, or bad_shape/not_found/mismatch listing the first problems (and the count).
    Status finish() const;

private:
    const WeightStore& m_store;
    std::string m_prefix;
    std::vector<HostBuffer>* m_owned;
    std::set<std::string> m_used;
    std::vector<std::string> m_problems;
    std::function<bool(const std::string&)> m_ignore;
    ErrorCode m_first_code = ErrorCode::ok;
};

// "language_model." when the store holds a VL checkpoint's text model, else "".
std::string detect_text_prefix(const WeightStore& store);

// Tensors of a vision-language checkpoint's other parts (vision tower, projector, image_newline):
// a binder working under a non-empty prefix leaves them to the VL loader (models/vision) instead
// of reporting them as unexpected. Text-only checkpoints hold none, so nothing changes for them.
bool is_vl_component_tensor(const std::string& name);

}  // namespace farsight
