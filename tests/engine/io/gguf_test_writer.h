// GgufImage: builds GGUF byte images for the reader tests, valid by default, with hooks to lie about
// counts, lengths, offsets and types (the layout of ggml/docs/gguf.md, little-endian).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace farsight::test {

class GgufImage {
public:
    struct Tensor {
        std::string name;
        std::vector<uint64_t> ne;  // innermost first, as stored
        uint32_t type = 0;         // ggml type id
        uint64_t n_bytes = 0;      // bytes of data written for it
        int64_t offset = -1;       // declared offset; -1: the packed one
    };

    uint32_t version = 3;
    uint32_t alignment = 32;
    bool write_alignment_key = false;
    int64_t n_tensors_override = -1, n_kv_override = -1;
    uint64_t trailing_bytes = 0;   // extra bytes after the padded data section
    bool pad_last = true;

    std::string kv;  // serialized key/values
    uint64_t n_kv = 0;
    std::vector<Tensor> tensors;

    // Raw encoders, public so tests can hand-craft broken values.
    static void u32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
    static void u64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }
    static void str(std::string& s, std::string_view v) {
        u64(s, v.size());
        s.append(v);
    }

    GgufImage& add_u32(std::string_view key, uint32_t v) { return raw_kv(key, 4, [&](std::string& s) { u32(s, v); }); }
    GgufImage& add_i32(std::string_view key, int32_t v) { return raw_kv(key, 5, [&](std::string& s) { u32(s, static_cast<uint32_t>(v)); }); }
    GgufImage& add_f32(std::string_view key, float v) {
        return raw_kv(key, 6, [&](std::string& s) { s.append(reinterpret_cast<const char*>(&v), 4); });
    }
    GgufImage& add_bool(std::string_view key, bool v) { return raw_kv(key, 7, [&](std::string& s) { s.push_back(v ? 1 : 0); }); }
    GgufImage& add_string(std::string_view key, std::string_view v) { return raw_kv(key, 8, [&](std::string& s) { str(s, v); }); }
    GgufImage& add_string_array(std::string_view key, const std::vector<std::string>& v) {
        return raw_kv(key, 9, [&](std::string& s) {
            u32(s, 8);
            u64(s, v.size());
            for (const auto& x : v) str(s, x);
        });
    }
    GgufImage& add_i32_array(std::string_view key, const std::vector<int32_t>& v) {
        return raw_kv(key, 9, [&](std::string& s) {
            u32(s, 5);
            u64(s, v.size());
            for (int32_t x : v) u32(s, static_cast<uint32_t>(x));
        });
    }
    GgufImage& add_f32_array(std::string_view key, const std::vector<float>& v) {
        return raw_kv(key, 9, [&](std::string& s) {
            u32(s, 6);
            u64(s, v.size());
            for (float x : v) s.append(reinterpret_cast<const char*>(&x), 4);
        });
    }
    template <class Fn>
    GgufImage& raw_kv(std::string_view key, uint32_t type, Fn&& value) {
        str(kv, key);
        u32(kv, type);
        value(kv);
        ++n_kv;
        return *this;
    }
    GgufImage& add_tensor(std::string name, std::vector<uint64_t> ne, uint32_t type, uint64_t n_bytes) {
        tensors.push_back({std::move(name), std::move(ne), type, n_bytes, -1});
        return *this;
    }

    static uint64_t pad(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

    // Tensor data bytes are i & 0xff (or taken from `data` when given, in table order).
    std::vector<uint8_t> build(const std::vector<std::vector<uint8_t>>& data = {}) const {
        std::string s = "GGUF";
        u32(s, version);
        u64(s, n_tensors_override >= 0 ? static_cast<uint64_t>(n_tensors_override) : tensors.size());
        std::string kvs = kv;
        uint64_t nkv = n_kv;
        if (write_alignment_key) {
            str(kvs, "general.alignment");
            u32(kvs, 4);
            u32(kvs, alignment);
            ++nkv;
        }
        u64(s, n_kv_override >= 0 ? static_cast<uint64_t>(n_kv_override) : nkv);
        s += kvs;
        // The table may lie about offsets; the data is always written packed (in table order).
        uint64_t off = 0;
        for (const Tensor& t : tensors) {
            str(s, t.name);
            u32(s, static_cast<uint32_t>(t.ne.size()));
            for (uint64_t d : t.ne) u64(s, d);
            u32(s, t.type);
            u64(s, t.offset >= 0 ? static_cast<uint64_t>(t.offset) : off);
            off += pad(t.n_bytes, alignment);
        }
        if (!tensors.empty()) s.resize(pad(s.size(), alignment), '\0');
        for (size_t i = 0; i < tensors.size(); ++i) {
            const Tensor& t = tensors[i];
            for (uint64_t b = 0; b < t.n_bytes; ++b)
                s.push_back(static_cast<char>(i < data.size() && b < data[i].size() ? data[i][b] : static_cast<uint8_t>(b)));
            const bool last = i + 1 == tensors.size();
            if (!last || pad_last) s.resize(pad(s.size(), alignment), '\0');
        }
        s.append(trailing_bytes, '\0');
        return {s.begin(), s.end()};
    }
};

}  // namespace farsight::test
