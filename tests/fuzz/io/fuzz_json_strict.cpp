// libFuzzer target for the strict JSON reader behind model.safetensors.index.json, config.json
// and tokenizer.json (engine/src/io/json_util.cpp): duplicate keys, depth limit, NUL bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/json_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    farsight::Result<nlohmann::json> doc = farsight::parse_json_strict(text, farsight::ErrorCode::bad_header, 32);
    if (doc.ok()) (void)doc->dump();  // an accepted document must serialise (valid UTF-8 throughout)
    return 0;
}
