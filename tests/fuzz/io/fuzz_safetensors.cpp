// libFuzzer target for the safetensors header parser (engine/src/io/safetensors.cpp), per
// reliability.md "Model files". Beyond "no crash", it checks what an accepted file promises.
#include <cstddef>
#include <cstdint>

#include "io/safetensors.h"

using namespace farsight;

namespace {

void require(bool ok) {
    if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    for (bool allow_empty : {false, true}) {
        SafetensorsOptions options;
        options.allow_empty_tensors = allow_empty;
        Result<SafetensorsHeader> h = parse_safetensors({data, size}, options);
        if (!h.ok()) {
            require(!h.status().message().empty());
            continue;
        }
        // Accepted: tensors tile the data section exactly, in order, each the size its shape says.
        uint64_t cursor = 8 + h->header_bytes;
        for (const TensorInfo& t : h->tensors) {
            require(t.offset == cursor);
            uint64_t want = 0;
            require(dtype_bytes(t.dtype, static_cast<uint64_t>(t.numel()), &want) && want == t.n_bytes);
            require(allow_empty || t.n_bytes > 0);
            if (t.n_bytes > 0) {
                volatile uint8_t first = data[t.offset], last = data[t.offset + t.n_bytes - 1];
                (void)first, (void)last;
            }
            cursor += t.n_bytes;
        }
        require(cursor == size);
    }
    return 0;
}
