// Parity with the reference Hugging Face `tokenizers` 0.23.3: every corpus case of every fixture, encode
// (with and without special tokens) and decode (with and without skipping special tokens), exactly.
// Goldens: tests/fixtures/tokenizers/goldens/, made by scripts/tokenizer/make_goldens.py.
#include <gtest/gtest.h>

#include <algorithm>

#include "golden_util.h"
#include "tokenizer/tokenizer.h"

namespace farsight {
namespace {

using namespace tokenizer_test;

class TokenizerGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerGolden, MatchesReferenceLibrary) {
    const std::string name = GetParam();
    bool optional = false;
    const auto path = fixture_path(name, &optional);
    if (!std::filesystem::exists(path)) {
        GTEST_SKIP() << "optional fixture '" << name << "' is not present (it is not committed for size); "
                     << "run scripts/tokenizer/make_fixtures.py to create it";
    }
    auto tok = Tokenizer::from_file(path);
    ASSERT_TRUE(tok.ok()) << tok.status().to_string();
    const auto golden = read_json(fixtures_dir() / "goldens" / (name + ".json"));
    const auto corpus = read_json(fixtures_dir() / "corpus.json");
    EXPECT_GE(tok->vocab_size(), golden.at("vocab_size_with_added").get<int64_t>());

    int failures = 0;
    for (auto& in : corpus_inputs(corpus)) {
        SCOPED_TRACE(name + " / " + in.name);
        const auto& g = golden.at("cases").at(in.name);
        auto ids = tok->encode(in.bytes, false);
        ASSERT_TRUE(ids.ok()) << ids.status().to_string();
        const std::string diff = compare_ids(g.at("ids"), ids.value());
        EXPECT_EQ(diff, "");
        auto ids_special = tok->encode(in.bytes, true);
        ASSERT_TRUE(ids_special.ok()) << ids_special.status().to_string();
        EXPECT_EQ(compare_ids(g.contains("ids_special") ? g.at("ids_special") : g.at("ids"), ids_special.value()), "");
        // parse_special = false is HF's encode_special_tokens = True.
        auto ids_plain = tok->encode(in.bytes, false, /*parse_special=*/false);
        ASSERT_TRUE(ids_plain.ok()) << ids_plain.status().to_string();
        EXPECT_EQ(compare_ids(g.contains("ids_split_special") ? g.at("ids_split_special") : g.at("ids"), ids_plain.value()),
                  "");

        const std::string dec = tok->decode(ids.value(), false);
        EXPECT_EQ(compare_text(g.contains("decode") ? g.at("decode") : nlohmann::json(in.text), dec), "");
        const std::string dec_skip = tok->decode(ids.value(), true);
        EXPECT_EQ(compare_text(g.contains("decode_skip") ? g.at("decode_skip")
                                                         : (g.contains("decode") ? g.at("decode") : nlohmann::json(in.text)),
                               dec_skip),
                  "");
        if (!diff.empty() && ++failures > 8) FAIL() << "too many mismatches, stopping";
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TokenizerGolden, ::testing::ValuesIn(golden_fixture_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

}  // namespace
}  // namespace farsight
