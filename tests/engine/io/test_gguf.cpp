// GGUF reader on valid files: a file written by the reference writer (gguf-py's GGUFWriter,
// tests/fixtures/llama/quant/quant.gguf from scripts/parity/make_quant_fixture.py) and hand-built
// images: metadata of every type, shapes reversed to outermost-first, views into the map.
#include <gtest/gtest.h>

#include <filesystem>

#include "gguf_test_writer.h"
#include "io/gguf.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

namespace {
std::filesystem::path quant_fixture() {
    return std::filesystem::path(FARSIGHT_TEST_DATA) / "fixtures" / "llama" / "quant" / "quant.gguf";
}
}  // namespace

TEST(Gguf, ReadsTheReferenceWritersFile) {
    auto f = GgufFile::open(quant_fixture());
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->get_string("general.architecture").value(), "llama");
    EXPECT_EQ(f->get_int("test.u8").value(), 200);
    EXPECT_EQ(f->get_int("test.i8").value(), -100);
    EXPECT_EQ(f->get_int("test.u16").value(), 65000);
    EXPECT_EQ(f->get_int("test.i16").value(), -32000);
    EXPECT_EQ(f->get_int("test.u32").value(), 4000000000);
    EXPECT_EQ(f->get_int("test.i32").value(), -2000000000);
    EXPECT_EQ(f->get_int("test.u64").value(), int64_t{1} << 40);
    EXPECT_EQ(f->get_int("test.i64").value(), -(int64_t{1} << 40));
    EXPECT_FLOAT_EQ(static_cast<float>(f->get_float("test.f32").value()), 0.25f);
    EXPECT_DOUBLE_EQ(f->get_float("test.f64").value(), 1e-300);
    EXPECT_TRUE(f->get_bool("test.bool").value());
    EXPECT_EQ(f->get_string("test.string").value(), "h\xc3\xa9llo \xe2\x9c\x93");
    const GgufValue* strs = f->find_key("test.strings");
    ASSERT_NE(strs, nullptr);
    EXPECT_EQ(strs->strings, (std::vector<std::string>{"a", "", "ccc"}));
    EXPECT_EQ(f->find_key("test.ints")->ints, (std::vector<int64_t>{1, -2, 3}));
    EXPECT_EQ(f->find_key("test.floats")->floats, (std::vector<double>{0.5, -1.5}));

    // Typed getters refuse the wrong type and report absence.
    EXPECT_EQ(f->get_int("test.string").status().code(), ErrorCode::bad_config);
    EXPECT_EQ(f->get_string("test.u8").status().code(), ErrorCode::bad_config);
    EXPECT_EQ(f->get_int("nope").status().code(), ErrorCode::not_found);
    EXPECT_EQ(f->get_int_or("nope", 7).value(), 7);

    struct Want {
        const char* name;
        DType dtype;
    };
    for (Want w : {Want{"w.f32", DType::f32}, {"w.f16", DType::f16}, {"w.bf16", DType::bf16}, {"w.q8_0", DType::q8_0},
                   {"w.q4_0", DType::q4_0}, {"w.q4_1", DType::q4_1}, {"w.q4_k", DType::q4_k}, {"w.q5_k", DType::q5_k},
                   {"w.q6_k", DType::q6_k}}) {
        const GgufTensorInfo* t = f->find(w.name);
        ASSERT_NE(t, nullptr) << w.name;
        EXPECT_EQ(t->dtype, w.dtype) << w.name;
        EXPECT_EQ(t->shape, (std::vector<int64_t>{4, 512})) << w.name;
        TensorView v = f->view(*t);
        EXPECT_EQ(v.rank, 2);
        EXPECT_EQ(v.dim(0), 4);
        EXPECT_EQ(v.nbytes(), t->n_bytes);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data) % 32, 0u) << "data not aligned";
    }
    EXPECT_EQ(f->find("missing"), nullptr);
}

TEST(Gguf, HandBuiltImageRoundTrips) {
    GgufImage g;
    g.version = 2;
    g.alignment = 64;
    g.write_alignment_key = true;
    g.add_string("general.architecture", "qwen2").add_u32("qwen2.block_count", 2).add_f32("x", 1.5f).add_bool("b", false);
    g.add_string_array("tokenizer.ggml.tokens", {"a", "b"}).add_i32_array("tokenizer.ggml.token_type", {1, 3});
    g.add_tensor("token_embd.weight", {32, 3}, 8, 3 * 34);  // q8_0 [3, 32]
    g.add_tensor("v", {5}, 0, 20);
    std::vector<uint8_t> bytes = g.build();
    auto f = GgufFile::from_bytes(bytes);
    ASSERT_TRUE(f.ok()) << f.status().to_string();
    EXPECT_EQ(f->version(), 2u);
    EXPECT_EQ(f->get_int("qwen2.block_count").value(), 2);
    EXPECT_FALSE(f->get_bool("b").value());
    const GgufTensorInfo* e = f->find("token_embd.weight");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->shape, (std::vector<int64_t>{3, 32}));
    EXPECT_EQ(e->n_bytes, 102u);
    EXPECT_EQ((e->offset) % 64, 0u);
    const GgufTensorInfo* v = f->find("v");
    EXPECT_EQ(v->offset - e->offset, 128u);  // 102 bytes padded to the 64-byte alignment
    EXPECT_EQ(f->data(*v)[0], 0);
    EXPECT_EQ(f->data(*v)[19], 19);
}

TEST(Gguf, LastTensorMayOmitItsPadding) {
    GgufImage g;
    g.add_tensor("a", {3}, 0, 12);
    g.pad_last = false;
    auto f = GgufFile::from_bytes(g.build());
    ASSERT_TRUE(f.ok()) << f.status().to_string();
}

TEST(Gguf, NoTensorsIsValid) {
    GgufImage g;
    g.add_string("general.architecture", "llama");
    auto r = parse_gguf(g.build());
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_TRUE(r->tensors.empty());
}
