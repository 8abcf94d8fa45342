// Typed accessors over nlohmann::json for the tokenizer.json / tokenizer_config.json readers: a wrong type
// or a missing required key becomes ErrorCode::bad_config naming the key, never an exception.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"

namespace farsight::tok {

using Json = nlohmann::json;

inline Status json_error(std::string_view where, std::string_view what) {
    return Status(ErrorCode::bad_config, std::string(where) + ": " + std::string(what));
}

inline const Json* json_find(const Json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

inline Result<std::string> json_string(const Json& j, const char* key, std::string_view where) {
    const Json* v = json_find(j, key);
    if (v == nullptr || !v->is_string()) return json_error(where, std::string("'") + key + "' must be a string");
    return v->get<std::string>();
}

// Missing or null -> `fallback`; present with another type -> error.
inline Result<bool> json_bool(const Json& j, const char* key, bool fallback, std::string_view where) {
    const Json* v = json_find(j, key);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_boolean()) return json_error(where, std::string("'") + key + "' must be a boolean");
    return v->get<bool>();
}

inline Result<int64_t> json_int(const Json& j, const char* key, std::string_view where) {
    const Json* v = json_find(j, key);
    if (v == nullptr || !v->is_number_integer())
        return json_error(where, std::string("'") + key + "' must be an integer");
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return json_error(where, std::string("'") + key + "' is out of range");
    return v->get<int64_t>();
}

// Missing or null -> empty optional-like result signalled through `present`.
inline Result<std::string> json_opt_string(const Json& j, const char* key, bool& present, std::string_view where) {
    const Json* v = json_find(j, key);
    present = false;
    if (v == nullptr || v->is_null()) return std::string();
    if (!v->is_string()) return json_error(where, std::string("'") + key + "' must be a string or null");
    present = true;
    return v->get<std::string>();
}

inline std::string json_type_name(const Json& j) {
    const Json* t = json_find(j, "type");
    return t != nullptr && t->is_string() ? t->get<std::string>() : std::string();
}

}  // namespace farsight::tok
