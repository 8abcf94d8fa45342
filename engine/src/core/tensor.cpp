// TensorView formatting helpers.
#include "core/tensor.h"

namespace farsight {

std::string TensorView::shape_string() const {
    std::string s = "[";
    for (int i = 0; i < rank; ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

}  // namespace farsight
