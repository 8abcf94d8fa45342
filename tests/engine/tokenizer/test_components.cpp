// Every normalizer, pre-tokenizer and decoder configuration in tests/fixtures/tokenizers/components.json
// (scripts/tokenizer/components.py, run by the reference library) must give the same output here: splits
// with every behaviour/invert and empty regex matches, Unicode forms and casing, Metaspace schemes, decoders.
#include <gtest/gtest.h>

#include "golden_util.h"
#include "tokenizer/decoders.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/pre_tokenizers.h"
#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

using namespace tokenizer_test;

const nlohmann::json& components() {
    static const nlohmann::json j = read_json(fixtures_dir() / "components.json");
    return j;
}

TEST(TokenizerComponents, PreTokenizersMatchReference) {
    const auto& texts = components().at("texts");
    int n_checked = 0;
    for (const auto& c : components().at("cases")) {
        if (c.at("kind") != "pre_tokenizer") continue;
        auto pre = make_pre_tokenizer(c.at("config"));
        ASSERT_TRUE(pre.ok()) << c.at("config").dump() << ": " << pre.status().to_string();
        for (std::size_t t = 0; t < texts.size(); ++t) {
            const std::string text = texts[t].get<std::string>();
            PreTokens pt;
            pt.reset(text, true);
            ASSERT_TRUE(pre.value()->apply(pt).ok());
            std::vector<std::string> got;
            for (const Piece& p : pt.pieces) got.emplace_back(pt.view(p));
            EXPECT_EQ(got, c.at("outputs")[t].get<std::vector<std::string>>())
                << c.at("config").dump() << " on '" << text << "'";
            ++n_checked;
        }
    }
    EXPECT_GT(n_checked, 1000);
}

TEST(TokenizerComponents, NormalizersMatchReference) {
    const auto& texts = components().at("texts");
    for (const auto& c : components().at("cases")) {
        if (c.at("kind") != "normalizer") continue;
        auto norm = make_normalizer(c.at("config"));
        ASSERT_TRUE(norm.ok()) << c.at("config").dump() << ": " << norm.status().to_string();
        std::string tmp;
        for (std::size_t t = 0; t < texts.size(); ++t) {
            std::string s = texts[t].get<std::string>();
            ASSERT_TRUE(norm.value()->apply(s, tmp).ok());
            EXPECT_EQ(s, c.at("outputs")[t].get<std::string>()) << c.at("config").dump() << " on '" << texts[t] << "'";
        }
    }
}

TEST(TokenizerComponents, DecodersMatchReference) {
    const auto& inputs = components().at("decoder_inputs");
    for (const auto& c : components().at("cases")) {
        if (c.at("kind") != "decoder") continue;
        auto dec = make_decoder(c.at("config"));
        ASSERT_TRUE(dec.ok()) << c.at("config").dump() << ": " << dec.status().to_string();
        for (std::size_t t = 0; t < inputs.size(); ++t) {
            auto tokens = inputs[t].get<std::vector<std::string>>();
            ASSERT_TRUE(dec.value()->decode_chain(tokens).ok());
            std::string joined;
            for (const auto& s : tokens) joined += s;
            EXPECT_EQ(joined, c.at("outputs")[t].get<std::string>()) << c.at("config").dump() << " on " << inputs[t].dump();
        }
    }
}

TEST(TokenizerComponents, UnknownTypesAreUnsupportedAndNamed) {
    auto n = make_normalizer(nlohmann::json::parse(R"({"type": "Precompiled", "precompiled_charsmap": ""})"));
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.status().code(), ErrorCode::unsupported);
    EXPECT_NE(n.status().message().find("Precompiled"), std::string::npos);
    auto p = make_pre_tokenizer(nlohmann::json::parse(R"({"type": "UnicodeScripts"})"));
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), ErrorCode::unsupported);
    EXPECT_NE(p.status().message().find("UnicodeScripts"), std::string::npos);
    auto d = make_decoder(nlohmann::json::parse(R"({"type": "CTC"})"));
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), ErrorCode::unsupported);
    EXPECT_NE(d.status().message().find("CTC"), std::string::npos);
    auto s = make_pre_tokenizer(nlohmann::json::parse(R"({"type": "Split", "pattern": {"Regex": "a"}, "behavior": "Sideways"})"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), ErrorCode::unsupported);
}

TEST(TokenizerUnicode, LossyUtf8MatchesPythonReplace) {
    // The invalid-UTF-8 corpus cases carry Python's bytes.decode("utf-8", "replace") next to the bytes.
    const auto corpus = read_json(fixtures_dir() / "corpus.json");
    for (const auto& c : corpus.at("invalid_utf8")) {
        const std::string bytes = hex_to_bytes(c.at("hex").get<std::string>());
        EXPECT_FALSE(is_valid_utf8(bytes));
        std::string out;
        append_utf8_lossy(out, bytes);
        EXPECT_EQ(out, c.at("replaced").get<std::string>()) << c.at("name");
        EXPECT_TRUE(is_valid_utf8(out));
    }
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80 \xE4\xBD\xA0 \xC3\xA9 \xF4\x8F\xBF\xBF"));
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
}

}  // namespace
}  // namespace farsight::tok
