// GGUF malformed-input corpus (reliability.md "Model files"; anchors: the GGUF parser CVEs of
// llama.cpp — oversize counts and lengths, offsets past EOF, overflowing shapes). Every broken file
// is refused with its exact ErrorCode, and declared-size bombs cost no memory.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "gguf_test_writer.h"
#include "io/gguf.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

namespace {

constexpr uint32_t kF32 = 0, kQ8_0 = 8, kQ4_K = 12;

GgufImage base() {
    GgufImage g;
    g.add_string("general.architecture", "llama");
    g.add_tensor("a", {8, 2}, kF32, 64);
    g.add_tensor("b", {32}, kQ8_0, 34);
    return g;
}

struct Case {
    const char* name;
    std::function<std::vector<uint8_t>()> make;
    ErrorCode code;
};

std::vector<uint8_t> with(const std::function<void(GgufImage&)>& edit) {
    GgufImage g = base();
    edit(g);
    return g.build();
}

const Case kCases[] = {
    // Framing.
    {"empty_file", [] { return std::vector<uint8_t>{}; }, ErrorCode::bad_header},
    {"bad_magic", [] { auto b = base().build(); b[0] = 'X'; return b; }, ErrorCode::bad_header},
    {"truncated_after_magic", [] { auto b = base().build(); b.resize(6); return b; }, ErrorCode::out_of_bounds},
    {"version_1", [] { return with([](GgufImage& g) { g.version = 1; }); }, ErrorCode::unsupported},
    {"version_4", [] { return with([](GgufImage& g) { g.version = 4; }); }, ErrorCode::bad_header},
    {"big_endian", [] { return with([](GgufImage& g) { g.version = 3u << 24; }); }, ErrorCode::unsupported},
    {"truncated_in_kv", [] { auto b = base().build(); b.resize(40); return b; }, ErrorCode::out_of_bounds},
    {"truncated_in_tensor_table", [] { auto b = base().build(); b.resize(b.size() - 140); return b; }, ErrorCode::out_of_bounds},
    // Counts (bombs: a tiny file declaring huge tables).
    {"n_kv_2_60", [] { return with([](GgufImage& g) { g.n_kv_override = 1ll << 60; }); }, ErrorCode::out_of_bounds},
    {"n_kv_max", [] { return with([](GgufImage& g) { g.n_kv_override = INT64_MAX; }); }, ErrorCode::out_of_bounds},
    {"n_tensors_2_40", [] { return with([](GgufImage& g) { g.n_tensors_override = 1ll << 40; }); }, ErrorCode::out_of_bounds},
    // Keys and values.
    {"duplicate_key", [] { return with([](GgufImage& g) { g.add_string("general.architecture", "x"); }); }, ErrorCode::duplicate},
    {"empty_key", [] { return with([](GgufImage& g) { g.add_u32("", 1); }); }, ErrorCode::bad_header},
    {"key_with_nul", [] { return with([](GgufImage& g) { g.add_u32(std::string("a\0b", 3), 1); }); }, ErrorCode::bad_header},
    {"unknown_value_type", [] { return with([](GgufImage& g) { g.raw_kv("k", 13, [](std::string& s) { GgufImage::u32(s, 0); }); }); }, ErrorCode::bad_header},
    {"bool_value_2", [] { return with([](GgufImage& g) { g.raw_kv("k", 7, [](std::string& s) { s.push_back(2); }); }); }, ErrorCode::bad_header},
    {"string_length_2_62", [] { return with([](GgufImage& g) { g.raw_kv("k", 8, [](std::string& s) { GgufImage::u64(s, 1ull << 62); }); }); }, ErrorCode::out_of_bounds},
    {"string_length_max", [] { return with([](GgufImage& g) { g.raw_kv("k", 8, [](std::string& s) { GgufImage::u64(s, UINT64_MAX); }); }); }, ErrorCode::out_of_bounds},
    {"key_length_2_40", [] { return with([](GgufImage& g) { GgufImage::u64(g.kv, 1ull << 40); ++g.n_kv; }); }, ErrorCode::out_of_bounds},
    {"array_length_2_61", [] {
         return with([](GgufImage& g) { g.raw_kv("k", 9, [](std::string& s) { GgufImage::u32(s, 4); GgufImage::u64(s, 1ull << 61); }); });
     }, ErrorCode::out_of_bounds},
    {"string_array_length_2_60", [] {
         return with([](GgufImage& g) { g.raw_kv("k", 9, [](std::string& s) { GgufImage::u32(s, 8); GgufImage::u64(s, 1ull << 60); }); });
     }, ErrorCode::out_of_bounds},
    {"array_of_unknown_type", [] {
         return with([](GgufImage& g) { g.raw_kv("k", 9, [](std::string& s) { GgufImage::u32(s, 99); GgufImage::u64(s, 0); }); });
     }, ErrorCode::bad_header},
    {"nested_array", [] {
         return with([](GgufImage& g) {
             g.raw_kv("k", 9, [](std::string& s) { GgufImage::u32(s, 9); GgufImage::u64(s, 1); GgufImage::u32(s, 4); GgufImage::u64(s, 0); });
         });
     }, ErrorCode::unsupported},
    {"alignment_not_power_of_two", [] { return with([](GgufImage& g) { g.add_u32("general.alignment", 24); }); }, ErrorCode::bad_header},
    {"alignment_zero", [] { return with([](GgufImage& g) { g.add_u32("general.alignment", 0); }); }, ErrorCode::bad_header},
    {"alignment_wrong_type", [] { return with([](GgufImage& g) { g.add_i32("general.alignment", 32); }); }, ErrorCode::bad_header},
    // Tensor table.
    {"duplicate_tensor", [] { return with([](GgufImage& g) { g.add_tensor("a", {8}, kF32, 32); }); }, ErrorCode::duplicate},
    {"empty_tensor_name", [] { return with([](GgufImage& g) { g.tensors[0].name = ""; }); }, ErrorCode::bad_header},
    {"tensor_name_64_bytes", [] { return with([](GgufImage& g) { g.tensors[0].name = std::string(64, 'x'); }); }, ErrorCode::bad_header},
    {"rank_0", [] { return with([](GgufImage& g) { g.tensors[0].ne = {}; }); }, ErrorCode::bad_shape},
    {"rank_5", [] { return with([](GgufImage& g) { g.tensors[0].ne = {1, 1, 1, 1, 16}; }); }, ErrorCode::bad_shape},
    {"dim_zero", [] { return with([](GgufImage& g) { g.tensors[0].ne = {8, 0}; }); }, ErrorCode::bad_shape},
    {"dim_negative", [] { return with([](GgufImage& g) { g.tensors[0].ne = {8, static_cast<uint64_t>(-1)}; }); }, ErrorCode::size_overflow},
    {"shape_product_overflow", [] { return with([](GgufImage& g) { g.tensors[0].ne = {1ull << 32, 1ull << 32}; }); }, ErrorCode::size_overflow},
    {"byte_size_overflow", [] { return with([](GgufImage& g) { g.tensors[0].ne = {1ull << 31, 1ull << 31}; }); }, ErrorCode::size_overflow},
    {"unknown_tensor_type", [] { return with([](GgufImage& g) { g.tensors[0].type = 77; }); }, ErrorCode::bad_dtype},
    {"unsupported_tensor_type_q5_0", [] { return with([](GgufImage& g) { g.tensors[1].type = 6; }); }, ErrorCode::unsupported},
    {"retired_tensor_type", [] { return with([](GgufImage& g) { g.tensors[1].type = 4; }); }, ErrorCode::unsupported},
    {"row_not_whole_blocks", [] { return with([](GgufImage& g) { g.tensors[1].ne = {16, 2}; }); }, ErrorCode::bad_shape},
    {"kquant_row_not_256", [] { return with([](GgufImage& g) { g.tensors[1].ne = {128}; g.tensors[1].type = kQ4_K; }); }, ErrorCode::bad_shape},
    // Data section.
    {"offset_unaligned", [] { return with([](GgufImage& g) { g.tensors[1].offset = 68; }); }, ErrorCode::bad_header},
    {"offset_past_eof", [] { return with([](GgufImage& g) { g.tensors[1].offset = 1 << 20; g.pad_last = false; }); }, ErrorCode::out_of_bounds},
    {"offset_2_62", [] { return with([](GgufImage& g) { g.tensors[1].offset = 1ll << 62; g.pad_last = false; }); }, ErrorCode::out_of_bounds},
    {"data_truncated", [] { auto b = base().build(); b.resize(b.size() - 40); return b; }, ErrorCode::out_of_bounds},
    {"overlap", [] {
         return with([](GgufImage& g) { g.tensors[1] = {"b", {16}, kF32, 64, 0}; });
     }, ErrorCode::overlap},
    {"hole_between_tensors", [] { return with([](GgufImage& g) { g.tensors[1].offset = 128; g.trailing_bytes = 64; }); }, ErrorCode::overlap},
    {"trailing_bytes", [] { return with([](GgufImage& g) { g.trailing_bytes = 64; }); }, ErrorCode::overlap},
    {"declared_size_bomb", [] {
         // 4 KiB on disk claiming a 2^40-byte tensor.
         return with([](GgufImage& g) { g.tensors[1].ne = {1ull << 40}; g.tensors[1].type = kF32; g.pad_last = false; });
     }, ErrorCode::out_of_bounds},
};

class GgufMalformed : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(GgufMalformed, RefusedWithTypedError) {
    const Case& c = GetParam();
    const std::vector<uint8_t> bytes = c.make();
    Result<GgufHeader> r = parse_gguf(bytes);
    ASSERT_FALSE(r.ok()) << c.name << " was accepted";
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().to_string();
    // The same through a file on disk (mmap path).
    const fs::path path = scratch_dir() / "bad.gguf";
    write_file(path, bytes);
    auto f = GgufFile::open(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), c.code);
}

INSTANTIATE_TEST_SUITE_P(Corpus, GgufMalformed, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(GgufMalformedTest, BaseImageIsValid) {
    auto r = parse_gguf(base().build());
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(r->tensors.size(), 2u);
}

TEST(GgufMalformedTest, DeclaredSizeBombsCostNoMemory) {
    // Many bomb variants in a row: peak RSS must not grow by more than 16 MiB (reliability.md).
    const uint64_t before = proc_status_kib("VmHWM");
    for (const Case& c : kCases) {
        const std::vector<uint8_t> bytes = c.make();
        for (int i = 0; i < 20; ++i) (void)parse_gguf(bytes);
    }
    const uint64_t after = proc_status_kib("VmHWM");
    EXPECT_LE(after - before, 16u * 1024u) << "peak RSS grew by " << (after - before) << " KiB";
}

TEST(GgufMalformedTest, EveryTruncationIsRefusedCleanly) {
    // Cutting into the last tensor's alignment padding is allowed (writers may omit it); any cut
    // that loses header or tensor bytes is refused.
    const std::vector<uint8_t> full = base().build();
    auto whole = parse_gguf(full);
    ASSERT_TRUE(whole.ok());
    const size_t last_end = static_cast<size_t>(whole->tensors.back().offset + whole->tensors.back().n_bytes);
    for (size_t n = 0; n < last_end; ++n) {
        std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        auto r = parse_gguf(cut);
        EXPECT_FALSE(r.ok()) << "truncated to " << n << " bytes was accepted";
    }
}

TEST(GgufMalformedTest, ByteFlipsNeverCrash) {
    // Every single-byte corruption of the header either parses or fails with a typed error.
    const std::vector<uint8_t> full = base().build();
    uint64_t accepted = 0;
    for (size_t pos = 0; pos < full.size(); ++pos) {
        for (uint8_t v : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x7f}, uint8_t{0x80}}) {
            std::vector<uint8_t> b = full;
            b[pos] = v;
            auto r = parse_gguf(b);
            if (r.ok()) ++accepted;
            else EXPECT_NE(r.status().code(), ErrorCode::internal);
        }
    }
    EXPECT_GT(accepted, 0u);  // flips inside the tensor data are harmless
}
