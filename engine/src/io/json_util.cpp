// Strict JSON parsing (duplicate-key and depth checks through nlohmann's parser callback) and
// bounded reads for the small JSON files of a model folder.
#include "io/json_util.h"

#include <cstdio>
#include <cstring>
#include <new>
#include <unordered_set>
#include <vector>

#include "io/mapped_file.h"

namespace farsight {

std::string quote_name(std::string_view s) {
    constexpr size_t kMax = 96;
    std::string out = "'";
    for (size_t i = 0; i < s.size() && i < kMax; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > kMax) out += "...";
    out += '\'';
    return out;
}

Result<std::string> read_text_file(const std::filesystem::path& path, uint64_t max_bytes) {
    FS_ASSIGN_OR_RETURN(MappedFile map, MappedFile::open(path));
    if (map.size() > max_bytes) {
        return make_error(ErrorCode::limit_exceeded, path.filename().string() + " is " + std::to_string(map.size()) +
                                                         " bytes, over the " + std::to_string(max_bytes) +
                                                         "-byte limit");
    }
    try {
        return std::string(reinterpret_cast<const char*>(map.data()), static_cast<size_t>(map.size()));
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::out_of_memory, "out of memory reading " + path.string());
    }
}

Result<nlohmann::json> parse_json_strict(std::string_view text, ErrorCode syntax_code, int max_depth) {
    using json = nlohmann::json;
    // Thrown from the callback to stop at the first offence (a deep-nesting bomb must not be built
    // into a DOM first); caught below, so no exception leaves this function.
    struct Refused {
        Status status;
    };
    std::vector<std::unordered_set<std::string>> keys;  // one set per open object
    auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                if (depth > max_depth) {
                    throw Refused{make_error(ErrorCode::limit_exceeded,
                                             "JSON nested deeper than " + std::to_string(max_depth))};
                }
                if (event == json::parse_event_t::object_start) keys.emplace_back();
                break;
            case json::parse_event_t::key:
                if (!keys.back().insert(parsed.get<std::string>()).second) {
                    throw Refused{make_error(ErrorCode::duplicate,
                                             "key " + quote_name(parsed.get<std::string>()) + " appears twice")};
                }
                break;
            case json::parse_event_t::object_end: keys.pop_back(); break;
            default: break;
        }
        return true;
    };
    // nlohmann's lexer takes a NUL byte for the end of input and would ignore what follows it.
    if (text.find('\0') != std::string_view::npos) return make_error(syntax_code, "not valid JSON: contains a NUL byte");
    try {
        return json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
    } catch (const Refused& r) {
        return r.status;
    } catch (const json::exception& e) {
        return make_error(syntax_code, std::string("not valid JSON: ") + e.what());
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::out_of_memory, "out of memory while parsing JSON");
    }
}

}  // namespace farsight
