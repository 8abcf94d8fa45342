// Malformed-file corpus (reliability.md "Model files"): every class of broken safetensors file is
// refused with its exact ErrorCode, and declared-size bombs cost no memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "io/safetensors.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

namespace {

struct Case {
    const char* name;
    std::string header;
    uint64_t data_bytes;
    ErrorCode code;
    std::optional<uint64_t> declared_len = std::nullopt;  // header length field, when it should lie
};

std::string entry(const std::string& name, const std::string& dtype, const std::string& shape, const std::string& offs) {
    std::string s = "\"";
    s += name;
    s += "\":{\"dtype\":";
    s += dtype;
    s += ",\"shape\":";
    s += shape;
    s += ",\"data_offsets\":";
    s += offs;
    s += "}";
    return s;
}
std::string one(const std::string& dtype, const std::string& shape, const std::string& offs) {
    std::string s = "{";
    s += entry("w", dtype, shape, offs);
    s += "}";
    return s;
}

const Case kCases[] = {
    // Header length and framing.
    {"header_length_overflow", "{}", 0, ErrorCode::bad_header, UINT64_MAX},  // 8 + N wraps
    {"header_longer_than_file", "{}", 0, ErrorCode::bad_header, 1000},
    {"header_length_2_40", "{}", 100, ErrorCode::bad_header, 1ull << 40},
    {"not_json", "{\"w\": oops}", 0, ErrorCode::bad_header},
    {"truncated_json", "{\"w\":{\"dtype\":\"F32\"", 0, ErrorCode::bad_header},
    {"trailing_garbage", "{} x", 0, ErrorCode::bad_header},
    {"empty_header", "", 0, ErrorCode::bad_header},
    {"not_object_array", "[1,2]", 0, ErrorCode::bad_header},
    {"not_object_string", "\"hello\"", 0, ErrorCode::bad_header},
    {"not_object_number", "42", 0, ErrorCode::bad_header},
    {"not_utf8_key", "{\"w\xff\":1}", 0, ErrorCode::bad_header},
    {"not_utf8_overlong", "{\"__metadata__\":{\"k\":\"\xc0\xaf\"}}", 0, ErrorCode::bad_header},
    {"nul_in_header", std::string("{}\0 ", 4), 0, ErrorCode::bad_header},
    {"comment_in_header", "{/* c */}", 0, ErrorCode::bad_header},
    {"entry_not_object", "{\"w\":[1]}", 0, ErrorCode::bad_header},
    {"missing_dtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, ErrorCode::bad_header},
    {"missing_offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, ErrorCode::bad_header},
    {"unknown_field", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4,
     ErrorCode::bad_header},
    {"nested_too_deep", "{\"w\":{\"shape\":[[[[[[1]]]]]]}}", 0, ErrorCode::bad_shape},
    {"metadata_not_object", "{\"__metadata__\":[]}", 0, ErrorCode::bad_header},
    {"metadata_value_not_string", "{\"__metadata__\":{\"k\":1}}", 0, ErrorCode::bad_header},
    {"metadata_value_object", "{\"__metadata__\":{\"k\":{\"x\":\"y\"}}}", 0, ErrorCode::bad_header},
    // Dtypes.
    {"bad_dtype", one("\"Q9\"", "[1]", "[0,4]"), 4, ErrorCode::bad_dtype},
    {"dtype_lowercase", one("\"f32\"", "[1]", "[0,4]"), 4, ErrorCode::bad_dtype},
    {"dtype_not_string", one("4", "[1]", "[0,4]"), 4, ErrorCode::bad_dtype},
    {"dtype_f8_unsupported", one("\"F8_E4M3\"", "[4]", "[0,4]"), 4, ErrorCode::unsupported},
    {"dtype_u32_unsupported", one("\"U32\"", "[1]", "[0,4]"), 4, ErrorCode::unsupported},
    // Shapes.
    {"shape_negative", one("\"F32\"", "[-1]", "[0,4]"), 4, ErrorCode::bad_shape},
    {"shape_float", one("\"F32\"", "[1.0]", "[0,4]"), 4, ErrorCode::bad_shape},
    {"shape_not_array", one("\"F32\"", "1", "[0,4]"), 4, ErrorCode::bad_shape},
    {"shape_string_dim", one("\"F32\"", "[\"1\"]", "[0,4]"), 4, ErrorCode::bad_shape},
    {"shape_product_overflow", one("\"F32\"", "[4294967296,4294967296,4294967296]", "[0,4]"), 4,
     ErrorCode::size_overflow},
    {"shape_bytes_overflow", one("\"F64\"", "[4611686018427387904]", "[0,8]"), 8, ErrorCode::size_overflow},
    {"shape_dim_over_int64", one("\"U8\"", "[18446744073709551615]", "[0,1]"), 1, ErrorCode::size_overflow},
    {"shape_zero_product", one("\"F32\"", "[3,0]", "[0,0]"), 0, ErrorCode::bad_shape},
    {"shape_rank_17", one("\"U8\"", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "[0,1]"), 1, ErrorCode::bad_shape},
    // Offsets.
    {"offsets_past_eof", one("\"F32\"", "[2]", "[0,8]"), 4, ErrorCode::out_of_bounds},
    {"offsets_end_before_begin", one("\"F32\"", "[1]", "[4,0]"), 4, ErrorCode::out_of_bounds},
    {"offsets_negative", one("\"F32\"", "[1]", "[-4,0]"), 4, ErrorCode::out_of_bounds},
    {"offsets_three", one("\"F32\"", "[1]", "[0,4,8]"), 8, ErrorCode::bad_header},
    {"offsets_one", one("\"F32\"", "[1]", "[4]"), 4, ErrorCode::bad_header},
    {"offsets_float", one("\"F32\"", "[1]", "[0,4.0]"), 4, ErrorCode::bad_header},
    {"offsets_huge", one("\"U8\"", "[1]", "[18446744073709551615,18446744073709551615]"), 1,
     ErrorCode::out_of_bounds},
    {"size_dtype_mismatch", one("\"F32\"", "[2]", "[0,6]"), 6, ErrorCode::bad_dtype},
    {"size_mismatch_bf16", one("\"BF16\"", "[3]", "[0,4]"), 4, ErrorCode::bad_dtype},
    // Coverage of the data buffer.
    {"overlap", "{" + entry("a", "\"F32\"", "[2]", "[0,8]") + "," + entry("b", "\"F32\"", "[2]", "[4,12]") + "}",
     12, ErrorCode::overlap},
    {"same_bytes_twice", "{" + entry("a", "\"F32\"", "[1]", "[0,4]") + "," + entry("b", "\"F32\"", "[1]", "[0,4]") + "}",
     4, ErrorCode::overlap},
    {"hole_between", "{" + entry("a", "\"F32\"", "[1]", "[0,4]") + "," + entry("b", "\"F32\"", "[1]", "[8,12]") + "}",
     12, ErrorCode::overlap},
    {"hole_leading", one("\"F32\"", "[1]", "[4,8]"), 8, ErrorCode::overlap},
    {"hole_trailing", one("\"F32\"", "[1]", "[0,4]"), 9, ErrorCode::overlap},
    {"data_without_tensors", "{}", 16, ErrorCode::overlap},
    // Duplicates.
    {"duplicate_names", "{" + entry("a", "\"F32\"", "[1]", "[0,4]") + "," + entry("a", "\"F32\"", "[1]", "[4,8]") + "}",
     8, ErrorCode::duplicate},
    {"duplicate_metadata", "{\"__metadata__\":{},\"__metadata__\":{}}", 0, ErrorCode::duplicate},
    {"duplicate_metadata_key", "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0, ErrorCode::duplicate},
    {"duplicate_field", "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
     ErrorCode::duplicate},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Malformed : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(Malformed, RefusedWithExactCode) {
    const Case& c = GetParam();
    std::vector<uint8_t> img = raw_safetensors(c.header, c.data_bytes, c.declared_len);
    Result<SafetensorsHeader> h = parse_safetensors(img);
    ASSERT_FALSE(h.ok()) << c.name << " was accepted";
    EXPECT_EQ(h.status().code(), c.code) << h.status().to_string();
    EXPECT_FALSE(h.status().message().empty());
    // The same bytes through the file path give the same verdict, with the file named.
    fs::path path = scratch_dir() / (std::string(c.name) + ".safetensors");
    write_file(path, img);
    Result<SafetensorsFile> f = SafetensorsFile::open(path);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.status().code(), c.code);
    EXPECT_NE(f.status().message().find(path.filename().string()), std::string::npos) << f.status().message();
}

INSTANTIATE_TEST_SUITE_P(Corpus, Malformed, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(SafetensorsMalformed, ShortFiles) {
    for (size_t n : {0, 1, 7}) {
        std::vector<uint8_t> img(n, 0);
        EXPECT_EQ(parse_safetensors(img).status().code(), ErrorCode::bad_header) << n;
    }
    fs::path path = scratch_dir() / "empty.safetensors";
    write_file(path, std::string());
    EXPECT_EQ(SafetensorsFile::open(path).status().code(), ErrorCode::bad_header);
}

TEST(SafetensorsMalformed, UnsupportedDtypeMessageNamesIt) {
    Result<SafetensorsHeader> h = parse_safetensors(raw_safetensors(one("\"F8_E5M2\"", "[4]", "[0,4]"), 4));
    ASSERT_EQ(h.status().code(), ErrorCode::unsupported);
    EXPECT_NE(h.status().message().find("F8_E5M2"), std::string::npos) << h.status().message();
}

TEST(SafetensorsMalformed, HeaderOverTheLimitIsRefused) {
    // A sparse file whose header claims 100 MiB + 1 bytes and is that long: refused by the limit
    // before a byte of it is parsed (the pages are never touched).
    fs::path path = scratch_dir() / "huge_header.safetensors";
    const uint64_t n = SafetensorsLimits::kMaxHeaderBytes + 1;
    std::vector<uint8_t> len = raw_safetensors("", 0, n);
    write_file(path, len);
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(8 + n)), 0);
    EXPECT_EQ(SafetensorsFile::open(path).status().code(), ErrorCode::limit_exceeded);
}

TEST(SafetensorsMalformed, PytorchCheckpointsAreNamed) {
    using namespace std::string_literals;
    std::string zip = "PK\x03\x04"s + std::string(60, '\x01');
    std::string pickle = "\x80\x02}q\x00(X"s + std::string(60, 'a');
    for (const std::string& bytes : {zip, pickle}) {
        std::vector<uint8_t> img(bytes.begin(), bytes.end());
        Result<SafetensorsHeader> h = parse_safetensors(img);
        EXPECT_EQ(h.status().code(), ErrorCode::unsupported);
        EXPECT_NE(h.status().message().find("safetensors"), std::string::npos);
    }
}

// The 4 KiB -> 2^40 bytes bomb: the declared sizes must not turn into allocations.
TEST(SafetensorsMalformed, DeclaredSizeBombCostsNoMemory) {
    fs::path dir = scratch_dir();
    auto pad_to_4k = [](std::string header) {
        header.resize(4096 - 8 - 64, ' ');
        return raw_safetensors(header, 64);  // 4,096 bytes in all
    };
    const uint64_t tib = 1ull << 40;
    std::vector<std::vector<uint8_t>> bombs = {
        // One tensor of 2^40 bytes whose shape and offsets agree: only the EOF check stops it.
        pad_to_4k(one("\"F32\"", "[524288,524288]", "[0," + std::to_string(tib) + "]")),
        // Header length claiming 2^40 bytes.
        raw_safetensors(std::string(4088, ' '), 0, tib),
    };
    // Many tensors each claiming 2^40 bytes (any per-tensor allocation would add up to petabytes).
    std::string many = "{";
    for (uint64_t i = 0; i < 40; ++i) {
        if (i > 0) many += ",";
        std::string shape = "[", offsets = "[";
        shape += std::to_string(tib) + "]";
        offsets += std::to_string(i * tib) + "," + std::to_string((i + 1) * tib) + "]";
        many += entry(std::string(1, 't').append(std::to_string(i)), "\"U8\"", shape, offsets);
    }
    bombs.push_back(pad_to_4k(many + "}"));

    std::vector<fs::path> paths;
    for (size_t i = 0; i < bombs.size(); ++i) {
        ASSERT_EQ(bombs[i].size(), 4096u);
        paths.push_back(dir / ("bomb" + std::to_string(i) + ".safetensors"));
        write_file(paths.back(), bombs[i]);
    }

    const bool reset = reset_peak_rss();
    const uint64_t rss_before = proc_status_kib("VmRSS");
    const uint64_t hwm_before = proc_status_kib("VmHWM");
    for (int round = 0; round < 100; ++round) {
        for (const fs::path& p : paths) {
            Result<SafetensorsFile> f = SafetensorsFile::open(p);
            ASSERT_FALSE(f.ok());
            ASSERT_TRUE(f.status().code() == ErrorCode::out_of_bounds || f.status().code() == ErrorCode::bad_header)
                << f.status().to_string();
        }
    }
    const uint64_t hwm_after = proc_status_kib("VmHWM");
    if (hwm_after == 0) GTEST_SKIP() << "no /proc/self/status on this system";
    const uint64_t base = reset ? rss_before : hwm_before;
    const uint64_t increase_kib = hwm_after > base ? hwm_after - base : 0;
    RecordProperty("peak_rss_increase_kib", std::to_string(increase_kib));
    std::printf("bomb: peak_rss_increase_kib=%llu (peak reset: %s)\n", static_cast<unsigned long long>(increase_kib),
                reset ? "yes" : "no");
    EXPECT_LE(increase_kib, 16u * 1024u);
}
