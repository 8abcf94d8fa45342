// Malformed tokenizer.json files are refused with a typed error and never crash (reliability.md: parsers
// reject with a typed error): bad JSON, wrong types, bad vocab/merges/ids, duplicates, unsupported
// components, plus a seeded mutation sweep over a real file. Also: invalid UTF-8 input, concurrency.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "golden_util.h"
#include "tokenizer/tokenizer.h"

namespace farsight {
namespace {

using namespace tokenizer_test;

// A small valid byte-level tokenizer to break in different ways.
nlohmann::json tiny() {
    return nlohmann::json::parse(R"({
      "version": "1.0", "added_tokens": [{"id": 5, "content": "<eos>", "special": true, "normalized": false,
        "single_word": false, "lstrip": false, "rstrip": false}],
      "normalizer": null, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
      "post_processor": null, "decoder": {"type": "ByteLevel"},
      "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġab": 4}, "merges": ["a b", ["Ġ", "ab"]]}
    })");
}

ErrorCode load_code(const nlohmann::json& j) {
    auto t = Tokenizer::from_json(j.dump());
    return t.ok() ? ErrorCode::ok : t.status().code();
}

TEST(TokenizerErrors, TinyTokenizerWorks) {
    auto t = Tokenizer::from_json(tiny().dump());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    auto ids = t->encode("ab ab<eos>");
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(ids.value(), (std::vector<int32_t>{2, 4, 5}));
    EXPECT_EQ(t->decode(ids.value()), "ab ab<eos>");
    EXPECT_EQ(t->decode(ids.value(), true), "ab ab");
    EXPECT_EQ(t->vocab_size(), 6);
    EXPECT_EQ(t->token_to_id("Ġab"), 4);
    EXPECT_EQ(t->token_to_id("<eos>"), 5);
    EXPECT_FALSE(t->token_to_id("zzz").has_value());
    EXPECT_EQ(t->id_to_token(4), "Ġab");
    EXPECT_EQ(t->id_to_token(99), "");
    EXPECT_TRUE(t->is_special(5));
    EXPECT_FALSE(t->is_special(2));
    // Unknown ids are skipped by decode, as HF does.
    const std::vector<int32_t> with_unknown{2, 99, -3, 4};
    EXPECT_EQ(t->decode(with_unknown), "ab ab");
}

TEST(TokenizerErrors, NotJson) {
    for (const char* text : {"", "{", "not json", "{\"model\": }", "[1, 2", "\xff\xfe"}) {
        auto t = Tokenizer::from_json(text);
        ASSERT_FALSE(t.ok()) << text;
        EXPECT_EQ(t.status().code(), ErrorCode::bad_header) << text;
    }
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto t = Tokenizer::from_json(deep);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), ErrorCode::bad_header);
}

TEST(TokenizerErrors, StructureAndTypes) {
    EXPECT_EQ(load_code(nlohmann::json::array()), ErrorCode::bad_config);
    auto j = tiny();
    j.erase("model");
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["vocab"] = nlohmann::json::array();
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["vocab"]["c"] = "seven";
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["merges"] = "a b";
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["added_tokens"][0]["content"] = 12;
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["pre_tokenizer"]["add_prefix_space"] = "yes";
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
}

TEST(TokenizerErrors, IdsOutOfRangeAndDuplicates) {
    auto j = tiny();
    j["model"]["vocab"]["c"] = -1;
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["vocab"]["c"] = int64_t{1} << 40;
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["vocab"]["c"] = (int64_t{1} << 24) - 1;  // in range, but would size a 16M-entry id table
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["vocab"]["c"] = 2;  // "ab" has id 2 already
    auto t = Tokenizer::from_json(j.dump());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), ErrorCode::duplicate);
    EXPECT_NE(t.status().message().find("id 2"), std::string::npos) << t.status().message();
    j = tiny();
    j["added_tokens"].push_back(j["added_tokens"][0]);
    EXPECT_EQ(load_code(j), ErrorCode::duplicate);
    j = tiny();
    j["added_tokens"][0]["id"] = -5;
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
}

TEST(TokenizerErrors, MergesMustReferToTheVocab) {
    auto j = tiny();
    j["model"]["merges"].push_back("a zz");
    auto t = Tokenizer::from_json(j.dump());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), ErrorCode::bad_config);
    EXPECT_NE(t.status().message().find("'zz'"), std::string::npos) << t.status().message();
    j = tiny();
    j["model"]["merges"].push_back("b a");  // "ba" is not in the vocab
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["merges"].push_back("a b c");
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
    j = tiny();
    j["model"]["merges"].push_back(nlohmann::json::array({"a"}));
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
}

TEST(TokenizerErrors, UnsupportedComponentsAreNamed) {
    const std::vector<std::pair<std::string, nlohmann::json>> cases = {
        {"model", {{"type", "Unigram"}, {"vocab", nlohmann::json::array()}}},
        {"normalizer", {{"type", "BertNormalizer"}}},
        {"pre_tokenizer", {{"type", "UnicodeScripts"}}},
        {"decoder", {{"type", "CTC"}}},
        {"post_processor", {{"type", "FancyProcessor"}}},
    };
    for (const auto& [key, value] : cases) {
        auto j = tiny();
        j[key] = value;
        auto t = Tokenizer::from_json(j.dump());
        ASSERT_FALSE(t.ok()) << key;
        EXPECT_EQ(t.status().code(), ErrorCode::unsupported) << key;
        EXPECT_NE(t.status().message().find(value["type"].get<std::string>()), std::string::npos) << t.status().message();
    }
    auto j = tiny();
    j["model"]["dropout"] = 0.1;
    EXPECT_EQ(load_code(j), ErrorCode::unsupported);
    j = tiny();
    j["post_processor"] = nlohmann::json::parse(
        R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}})");
    EXPECT_EQ(load_code(j), ErrorCode::bad_config);
}

TEST(TokenizerErrors, MissingUnkTokenIsAnEncodeErrorNotACrash) {
    auto j = tiny();
    j["model"]["unk_token"] = "<unk>";  // not in the vocab: HF fails only when it needs it, so do we
    j["pre_tokenizer"] = nullptr;
    auto t = Tokenizer::from_json(j.dump());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_TRUE(t->encode("ab").ok());
    auto bad = t->encode("abz");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().code(), ErrorCode::bad_config);
}

TEST(TokenizerErrors, Files) {
    auto missing = Tokenizer::from_file(fixtures_dir() / "does-not-exist" / "tokenizer.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.status().code(), ErrorCode::not_found);
    const std::string text = read_file(fixture_path("gpt2"));
    for (const std::size_t cut : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size() - 1}) {
        auto t = Tokenizer::from_json(std::string_view(text).substr(0, cut));
        ASSERT_FALSE(t.ok());
        EXPECT_EQ(t.status().code(), ErrorCode::bad_header);
    }
}

TEST(TokenizerErrors, MutatedFilesNeverCrash) {
    const std::string base = read_file(fixture_path("minimax-a1"));
    std::mt19937_64 rng(1234);
    int n_loaded = 0;
    for (int iter = 0; iter < 300; ++iter) {
        std::string s = base;
        const int n_edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < n_edits; ++e) {
            const std::size_t pos = rng() % s.size();
            switch (rng() % 4) {
            case 0: s[pos] = static_cast<char>(rng() % 256); break;
            case 1: s.erase(pos, 1 + rng() % 16); break;
            case 2: s.insert(pos, std::string(1 + rng() % 4, "{}[]\",:0a\\"[rng() % 10])); break;
            default: s.resize(pos); break;
            }
            if (s.empty()) s.push_back('{');
        }
        auto t = Tokenizer::from_json(s);
        if (!t.ok()) {
            EXPECT_NE(t.status().code(), ErrorCode::internal) << t.status().to_string();
            continue;
        }
        ++n_loaded;
        auto ids = t->encode("Hello, world! <beginning_of_sentence> 123 \xF0\x9F\x98\x80", true);
        if (ids.ok()) (void)t->decode(ids.value());
    }
    SUCCEED() << n_loaded << " mutated files still loaded";
}

TEST(TokenizerEncode, InvalidUtf8IsReplacedWithReplacementCharacters) {
    auto t = Tokenizer::from_file(fixture_path("gpt2"));
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    auto raw = t->encode("a\xff" "b\xe4\xbd");
    auto fixed = t->encode("a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    ASSERT_TRUE(raw.ok() && fixed.ok());
    EXPECT_EQ(raw.value(), fixed.value());
}

TEST(TokenizerEncode, ConcurrentEncodesAgree) {
    auto t = Tokenizer::from_file(fixture_path("llama3"));
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    const auto corpus = read_json(fixtures_dir() / "corpus.json");
    std::vector<std::string> texts;
    for (const auto& c : corpus.at("cases")) texts.push_back(c.at("text").get<std::string>());
    std::vector<std::vector<int32_t>> want;
    for (const auto& s : texts) want.push_back(t->encode(s).value());
    std::vector<int> bad(4, 0);
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&, k] {
            for (int rep = 0; rep < 20; ++rep)
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    auto ids = t->encode(texts[(i + k * 7) % texts.size()]);
                    if (!ids.ok() || ids.value() != want[(i + k * 7) % texts.size()]) ++bad[k];
                }
        });
    }
    for (auto& th : threads) th.join();
    for (int k = 0; k < 4; ++k) EXPECT_EQ(bad[k], 0);
}

}  // namespace
}  // namespace farsight
