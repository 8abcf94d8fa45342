// Safetensors reader and writer on valid files: byte identity with files the reference library
// wrote (data/reference_written.safetensors), round trips, and the real fixture checkpoints.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/mapped_file.h"
#include "io/safetensors.h"
#include "io/safetensors_writer.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

namespace {

// Owns the bytes of the golden tensors; mirrors golden_tensors() in data/make_io_goldens.py.
struct Golden {
    std::vector<std::vector<uint8_t>> storage;
    std::vector<TensorToWrite> tensors;

    template <class T>
    void add(std::string name, DType dtype, std::vector<int64_t> shape, std::vector<T> values) {
        std::vector<uint8_t> bytes(values.size() * sizeof(T));
        if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
        storage.push_back(std::move(bytes));
        tensors.push_back({std::move(name), dtype, std::move(shape), {}});
    }
    void finish() {
        for (size_t i = 0; i < tensors.size(); ++i) tensors[i].bytes = storage[i];
    }
};

Golden golden_tensors() {
    Golden g;
    g.storage.reserve(16);
    std::vector<float> f32;
    for (int i = 0; i < 6; ++i) f32.push_back(static_cast<float>(i * 0.25 - 1));
    g.add("f32", DType::f32, {2, 3}, f32);
    std::vector<int64_t> i64;
    for (int64_t i = 0; i < 4; ++i) i64.push_back((i - 2) * 1000000000000);
    g.add("i64", DType::i64, {4}, i64);
    std::vector<uint16_t> bf16;
    for (int i = 0; i < 6; ++i) bf16.push_back(f32_to_bf16(static_cast<float>(i * 0.5 - 1.5)));
    g.add("bf16", DType::bf16, {3, 2}, bf16);
    std::vector<uint16_t> f16;
    for (int i = 0; i < 5; ++i) f16.push_back(f32_to_f16(static_cast<float>(i * 0.125)));
    g.add("f16", DType::f16, {5}, f16);
    g.add("f64", DType::f64, {}, std::vector<double>{3.25});
    g.add("i32", DType::i32, {2, 2}, std::vector<int32_t>{0, -7, -14, -21});
    g.add("i16", DType::i16, {3}, std::vector<int16_t>{-300, 0, 300});
    g.add("i8", DType::i8, {4}, std::vector<int8_t>{-2, -1, 0, 1});
    g.add("u8", DType::u8, {3}, std::vector<uint8_t>{0, 100, 200});
    g.add("bool", DType::boolean, {5}, std::vector<uint8_t>{1, 0, 1, 0, 1});
    g.add("empty", DType::f32, {0, 4}, std::vector<float>{});
    g.add("we\"ird\tnam\xc3\xa9", DType::f32, {1}, std::vector<float>{7.0f});
    g.finish();
    return g;
}

std::vector<uint8_t> read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(SafetensorsWriter, ByteIdenticalToReferenceLibrary) {
    Golden g = golden_tensors();
    Result<std::vector<uint8_t>> ours = serialize_safetensors(g.tensors, {{"format", "pt"}});
    ASSERT_TRUE(ours.ok()) << ours.status().to_string();
    std::vector<uint8_t> reference = read_all(io_data_dir() / "reference_written.safetensors");
    ASSERT_FALSE(reference.empty());
    EXPECT_EQ(*ours, reference);
}

TEST(SafetensorsWriter, RoundTripsEveryDtype) {
    Golden g = golden_tensors();
    fs::path path = scratch_dir() / "rt.safetensors";
    SafetensorsMetadata meta = {{"format", "pt"}, {"writer", "farsight"}, {"note", "caf\xc3\xa9 \"quoted\""}};
    ASSERT_TRUE(write_safetensors(path, g.tensors, meta).ok());
    // Where the test-data step asks for it, leave a copy for the Python reader (make_io_goldens.py --check).
    if (const char* out = std::getenv("FARSIGHT_IO_WRITE_GOLDEN_DIR")) {
        ASSERT_TRUE(write_safetensors(fs::path(out) / "farsight_written.safetensors", g.tensors, meta).ok());
    }

    SafetensorsOptions allow_empty;
    allow_empty.allow_empty_tensors = true;
    Result<SafetensorsFile> f = SafetensorsFile::open(path, allow_empty);
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    EXPECT_EQ(f->metadata(), meta);
    ASSERT_EQ(f->tensors().size(), g.tensors.size());
    for (const TensorToWrite& want : g.tensors) {
        const TensorInfo* got = f->find(want.name);
        ASSERT_NE(got, nullptr) << want.name;
        EXPECT_EQ(got->dtype, want.dtype);
        EXPECT_EQ(got->shape, want.shape);
        EXPECT_EQ(got->n_bytes, want.bytes.size());
        EXPECT_TRUE(got->aligned) << want.name;  // the reference's dtype order keeps every tensor aligned
        if (!want.bytes.empty()) {
            EXPECT_EQ(std::memcmp(f->data(*got), want.bytes.data(), want.bytes.size()), 0) << want.name;
        }
    }
    EXPECT_EQ(f->find("missing"), nullptr);
    // No temporary file is left behind.
    int n_files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(path.parent_path())) ++n_files;
    EXPECT_EQ(n_files, 1);
}

TEST(SafetensorsWriter, ReplacesExistingFileAtomically) {
    fs::path path = scratch_dir() / "out.safetensors";
    write_file(path, std::string("old contents"));
    std::vector<float> v = {1, 2, 3};
    TensorView view(v.data(), DType::f32, {3});
    std::vector<TensorToWrite> ts = {tensor_to_write("x", view)};
    ASSERT_TRUE(write_safetensors(path, ts).ok());
    Result<SafetensorsFile> f = SafetensorsFile::open(path);
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    EXPECT_EQ(reinterpret_cast<const float*>(f->data(f->tensors()[0]))[2], 3.0f);
    EXPECT_TRUE(f->metadata().empty());
    // A folder that does not exist: an error, and nothing written.
    EXPECT_EQ(write_safetensors(path.parent_path() / "nope" / "x.safetensors", ts).code(), ErrorCode::io_error);
}

TEST(SafetensorsWriter, RefusesInvalidInput) {
    std::vector<uint8_t> four(4);
    auto code = [](std::vector<TensorToWrite> ts) { return serialize_safetensors(ts).status().code(); };
    EXPECT_EQ(code({{"a", DType::f32, {1}, four}, {"a", DType::f32, {1}, four}}), ErrorCode::duplicate);
    EXPECT_EQ(code({{"a", DType::f32, {2}, four}}), ErrorCode::invalid_argument);        // 8 bytes needed
    EXPECT_EQ(code({{"a", DType::q8_0, {32}, four}}), ErrorCode::unsupported);
    EXPECT_EQ(code({{"__metadata__", DType::f32, {1}, four}}), ErrorCode::invalid_argument);
    EXPECT_EQ(code({{"", DType::f32, {1}, four}}), ErrorCode::invalid_argument);
    EXPECT_EQ(code({{"a\xff", DType::f32, {1}, four}}), ErrorCode::invalid_argument);    // not UTF-8
    EXPECT_EQ(code({{"a", DType::f32, {-1}, four}}), ErrorCode::bad_shape);
}

TEST(Safetensors, EmptyTensorsNeedTheOption) {
    std::vector<TensorToWrite> ts = {{"e", DType::f32, {0, 4}, {}}};
    Result<std::vector<uint8_t>> img = serialize_safetensors(ts);
    ASSERT_TRUE(img.ok());
    EXPECT_EQ(parse_safetensors(*img).status().code(), ErrorCode::bad_shape);
    SafetensorsOptions opt;
    opt.allow_empty_tensors = true;
    Result<SafetensorsHeader> h = parse_safetensors(*img, opt);
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    EXPECT_EQ(h->tensors[0].numel(), 0);
}

TEST(Safetensors, NoTensorsIsValid) {
    std::vector<uint8_t> img = raw_safetensors("{}      ", 0);
    Result<SafetensorsHeader> h = parse_safetensors(img);
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    EXPECT_TRUE(h->tensors.empty());
}

TEST(Safetensors, NullMetadataIsNoMetadata) {
    // The reference deserialises __metadata__ as Option<HashMap<String, String>>.
    Result<SafetensorsHeader> h = parse_safetensors(raw_safetensors("{\"__metadata__\":null}", 0));
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    EXPECT_TRUE(h->metadata.empty());
    EXPECT_EQ(parse_safetensors(raw_safetensors("{\"w\":null}", 0)).status().code(), ErrorCode::bad_header);
}

TEST(Safetensors, UnalignedDataIsNotedNotRejected) {
    // u8 [1] then f32 [1] at data offset 1: the f32 lands on an odd file offset.
    std::string header = R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                         R"("b":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    Result<SafetensorsHeader> h = parse_safetensors(raw_safetensors(header, 5));
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    ASSERT_EQ(h->tensors.size(), 2u);
    EXPECT_EQ(h->tensors[0].name, "a");
    EXPECT_TRUE(h->tensors[0].aligned);
    EXPECT_FALSE(h->tensors[1].aligned);
    EXPECT_EQ(h->tensors[1].offset, 8 + header.size() + 1);
}

TEST(Safetensors, KeepsShapesBeyondTensorViewRank) {
    std::string header = R"({"x":{"dtype":"I8","shape":[1,2,1,2,1,3],"data_offsets":[0,12]}})";
    Result<SafetensorsHeader> h = parse_safetensors(raw_safetensors(header, 12));
    ASSERT_TRUE(h.ok()) << h.status().to_string();
    EXPECT_EQ(h->tensors[0].shape, (std::vector<int64_t>{1, 2, 1, 2, 1, 3}));
}

// The fixture checkpoints, against counts, shapes and sums the reference library computed
// (data/fixture_checks.json).
TEST(Safetensors, OpensFixtureCheckpoints) {
    std::ifstream in(io_data_dir() / "fixture_checks.json");
    nlohmann::json checks = nlohmann::json::parse(in);
    ASSERT_EQ(checks.size(), 3u);
    for (const auto& [rel, want] : checks.items()) {
        SCOPED_TRACE(rel);
        Result<SafetensorsFile> f = SafetensorsFile::open(fixtures_dir() / rel);
        ASSERT_TRUE(f.ok()) << f.status().to_string();
        EXPECT_EQ(f->tensors().size(), want["n_tensors"].get<size_t>());
        EXPECT_EQ(f->metadata().at("format"), "pt");
        std::map<std::string, size_t> dtypes;
        for (const TensorInfo& t : f->tensors()) {
            ++dtypes[std::string(dtype_to_safetensors(t.dtype))];
            EXPECT_TRUE(t.aligned) << t.name;
        }
        EXPECT_EQ(dtypes, want["dtypes"].get<decltype(dtypes)>());
        for (const auto& [name, sum] : want["sums"].items()) {
            const TensorInfo* t = f->find(name);
            ASSERT_NE(t, nullptr) << name;
            EXPECT_EQ(t->shape, want["shapes"][name].get<std::vector<int64_t>>());
            std::vector<float> v(static_cast<size_t>(t->numel()));
            convert_to_f32(t->dtype, f->data(*t), v.data(), t->numel());
            double s = 0;
            for (float x : v) s += x;
            EXPECT_NEAR(s, sum.get<double>(), 1e-9 * (1 + std::abs(sum.get<double>()))) << name;
        }
    }
}

TEST(Safetensors, A2RoutersAreF32AndEverythingElseBf16) {
    Result<SafetensorsFile> f = SafetensorsFile::open(fixtures_dir() / "a2-tiny-bf16" / "model.safetensors");
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    int routers = 0;
    for (const TensorInfo& t : f->tensors()) {
        bool router = t.name.find("block_sparse_moe.gate.weight") != std::string::npos;
        routers += router;
        EXPECT_EQ(t.dtype, router ? DType::f32 : DType::bf16) << t.name;
    }
    EXPECT_EQ(routers, 16);
}
