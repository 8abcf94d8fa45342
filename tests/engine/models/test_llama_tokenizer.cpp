// GGUF tokenizer metadata → tokenizer.json (tokenizer/gguf_vocab.h). Always: the gpt2, qwen2 and
// llama3 vocabularies of tests/fixtures/tokenizers (converted from llama.cpp's vocab GGUFs) are
// turned back into GGUF-style metadata with their tokenizer.ggml.pre names, rebuilt by gguf_vocab,
// and must reproduce the reference `tokenizers` goldens on the corpus. With FARSIGHT_GGUF_VOCAB_DIR
// set to llama.cpp's models/ folder (scripts/parity/fetch_vocab_ggufs.sh), the ggml-vocab-*.gguf
// files themselves are loaded and checked against llama.cpp's own .inp/.out encodings.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/gguf.h"
#include "models/model_factory.h"
#include "tokenizer/gguf_vocab.h"
#include "tokenizer/tokenizer.h"

using namespace farsight;
namespace fs = std::filesystem;

namespace {

const fs::path kTok = fs::path(FARSIGHT_TEST_DATA) / "fixtures" / "tokenizers";

nlohmann::json read_json(const fs::path& p) {
    std::ifstream f(p);
    return nlohmann::json::parse(f);
}

// tokenizer.json (byte-level BPE) → the tokenizer.ggml.* arrays llama.cpp's converter would write.
GgufVocab vocab_from_tokenizer_json(const nlohmann::json& j, const std::string& pre) {
    GgufVocab v;
    v.model = "gpt2";
    v.pre = pre;
    const auto& model = j.at("model");
    size_t n = 0;
    for (const auto& [tok, id] : model.at("vocab").items()) n = std::max(n, id.get<size_t>() + 1);
    for (const auto& a : j.at("added_tokens")) n = std::max(n, a.at("id").get<size_t>() + 1);
    v.tokens.assign(n, "");
    v.token_types.assign(n, 1);
    for (const auto& [tok, id] : model.at("vocab").items()) v.tokens[id.get<size_t>()] = tok;
    for (const auto& a : j.at("added_tokens")) {
        const size_t id = a.at("id").get<size_t>();
        v.tokens[id] = a.at("content").get<std::string>();
        v.token_types[id] = a.at("special").get<bool>() ? 3 : 4;
    }
    for (const auto& m : model.at("merges"))
        v.merges.push_back(m.is_string() ? m.get<std::string>() : m[0].get<std::string>() + " " + m[1].get<std::string>());
    return v;
}

struct Case {
    const char* name;  // fixture folder and goldens file
    const char* pre;   // tokenizer.ggml.pre of the original GGUF
};

class GgufVocabGoldens : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(GgufVocabGoldens, ReproducesTheReferenceEncodings) {
    const Case c = GetParam();
    const GgufVocab v = vocab_from_tokenizer_json(read_json(kTok / c.name / "tokenizer.json"), c.pre);
    auto json = gguf_vocab_to_tokenizer_json(v);
    ASSERT_TRUE(json.ok()) << json.status().to_string();
    auto tok = Tokenizer::from_json(json.value());
    ASSERT_TRUE(tok.ok()) << tok.status().to_string();
    const nlohmann::json corpus = read_json(kTok / "corpus.json");
    const nlohmann::json goldens = read_json(kTok / "goldens" / (std::string(c.name) + ".json")).at("cases");
    int checked = 0;
    for (const auto& cs : corpus.at("cases")) {
        const std::string name = cs.at("name").get<std::string>();
        if (!goldens.contains(name) || !goldens[name].contains("ids")) continue;
        // This qwen2 tokenizer.json adds an NFC normalizer that llama.cpp's qwen2 vocab does not apply.
        if (std::string(c.name) == "qwen2" && name == "combining_nfd") continue;
        auto ids = tok->encode(cs.at("text").get<std::string>(), false, true);
        ASSERT_TRUE(ids.ok()) << name;
        EXPECT_EQ(ids.value(), goldens[name]["ids"].get<std::vector<int32_t>>()) << c.name << " case " << name;
        ++checked;
    }
    EXPECT_GT(checked, 20);
}

INSTANTIATE_TEST_SUITE_P(Vocabs, GgufVocabGoldens,
                         ::testing::Values(Case{"gpt2", "gpt-2"}, Case{"qwen2", "qwen2"}, Case{"llama3", "llama-bpe"}),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(GgufVocab, RefusesWhatItCannotConvert) {
    GgufVocab v;
    v.model = "gpt2";
    v.tokens = {"a", "b"};
    v.pre = "no-such-pre";
    EXPECT_EQ(gguf_vocab_to_tokenizer_json(v).status().code(), ErrorCode::unsupported);
    v.pre = "gpt-2";
    v.model = "t5";
    EXPECT_EQ(gguf_vocab_to_tokenizer_json(v).status().code(), ErrorCode::unsupported);
    v.model = "llama";  // SentencePiece needs scores
    EXPECT_EQ(gguf_vocab_to_tokenizer_json(v).status().code(), ErrorCode::bad_config);
    v.model = "gpt2";
    v.token_types = {1};
    EXPECT_EQ(gguf_vocab_to_tokenizer_json(v).status().code(), ErrorCode::bad_config);
    v.token_types = {};
    v.bos_id = 5;
    EXPECT_EQ(gguf_vocab_to_tokenizer_json(v).status().code(), ErrorCode::bad_config);
}

// llama.cpp's own vocab files and encodings (not in CI: set FARSIGHT_GGUF_VOCAB_DIR).
TEST(GgufVocab, LlamaCppVocabFilesMatchLlamaCppEncodings) {
    const char* dir = std::getenv("FARSIGHT_GGUF_VOCAB_DIR");
    if (!dir) GTEST_SKIP() << "set FARSIGHT_GGUF_VOCAB_DIR to llama.cpp's models/ (scripts/parity/fetch_vocab_ggufs.sh)";
    for (const char* name : {"gpt-2", "llama-bpe", "qwen2", "starcoder", "refact", "command-r", "llama-spm"}) {
        const fs::path base = fs::path(dir) / (std::string("ggml-vocab-") + name + ".gguf");
        auto g = GgufFile::open(base);
        ASSERT_TRUE(g.ok()) << g.status().to_string();
        LoadedModel lm;
        ASSERT_TRUE(read_gguf_tokenizer(g.value(), lm).ok()) << name;
        auto tok = Tokenizer::from_json(*lm.tokenizer_json);
        ASSERT_TRUE(tok.ok()) << name << ": " << tok.status().to_string();
        std::ifstream inp(base.string() + ".inp"), out(base.string() + ".out");
        std::stringstream ss;
        ss << inp.rdbuf();
        std::string all = ss.str(), sep = "\n__ggml_vocab_test__\n";
        std::vector<std::string> texts;
        for (size_t pos = 0;;) {
            const size_t next = all.find(sep, pos);
            if (next == std::string::npos) break;
            texts.push_back(all.substr(pos, next - pos));
            pos = next + sep.size();
        }
        int pass = 0, total = 0;
        std::string line;
        for (const std::string& text : texts) {
            if (!std::getline(out, line)) break;
            std::vector<int32_t> want;
            std::istringstream ls(line);
            for (int32_t id; ls >> id;) want.push_back(id);
            auto got = tok->encode(text, false, false);
            ++total;
            if (got.ok() && got.value() == want) ++pass;
            else ADD_FAILURE() << name << ": mismatch on " << testing::PrintToString(text);
        }
        std::printf("[ %s ] %d/%d llama.cpp encodings match\n", name, pass, total);
    }
}
