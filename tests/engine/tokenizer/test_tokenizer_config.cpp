// tokenizer_config.json: chat template as a string or a named list, special tokens as strings or AddedToken
// objects, add_bos/add_eos flags, a chat_template.jinja beside the file, and typed errors.
#include <gtest/gtest.h>

#include <fstream>

#include "golden_util.h"
#include "tokenizer/tokenizer_config.h"

namespace farsight {
namespace {

using namespace tokenizer_test;

TEST(TokenizerConfig, MiniMaxConfig) {
    // MiniMax-M1's own tokenizer_config.json (copied from shared/fixtures/minimax-text).
    auto cfg = load_tokenizer_config(fixtures_dir() / "minimax-a1" / "tokenizer_config.json");
    ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
    EXPECT_EQ(cfg->bos_token, "<beginning_of_sentence>");
    EXPECT_EQ(cfg->eos_token, "<end_of_sentence>");
    EXPECT_EQ(cfg->unk_token, "<end_of_document>");
    EXPECT_FALSE(cfg->pad_token.has_value());
    EXPECT_FALSE(cfg->add_bos_token.has_value());
    EXPECT_EQ(cfg->chat_template.rfind("{{ '<begin_of_document>' -}}", 0), 0u);
    ASSERT_NE(cfg->find_template("default"), nullptr);
    EXPECT_EQ(cfg->find_template("tool_use"), nullptr);
}

TEST(TokenizerConfig, ListOfTemplatesAndAddedTokenObjects) {
    auto cfg = parse_tokenizer_config(R"({
        "chat_template": [{"name": "default", "template": "D"}, {"name": "tool_use", "template": "T"}],
        "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
        "eos_token": "</s>", "pad_token": null, "unk_token": {"content": "<unk>"},
        "add_bos_token": true, "add_eos_token": false, "model_max_length": 1e30})");
    ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
    EXPECT_EQ(cfg->chat_template, "D");
    ASSERT_EQ(cfg->chat_templates.size(), 2u);
    ASSERT_NE(cfg->find_template("tool_use"), nullptr);
    EXPECT_EQ(*cfg->find_template("tool_use"), "T");
    EXPECT_EQ(cfg->bos_token, "<s>");
    EXPECT_EQ(cfg->eos_token, "</s>");
    EXPECT_EQ(cfg->unk_token, "<unk>");
    EXPECT_FALSE(cfg->pad_token.has_value());
    EXPECT_EQ(cfg->add_bos_token, true);
    EXPECT_EQ(cfg->add_eos_token, false);

    auto no_default = parse_tokenizer_config(R"({"chat_template": [{"name": "rag", "template": "R"}]})");
    ASSERT_TRUE(no_default.ok());
    EXPECT_EQ(no_default->chat_template, "");
    EXPECT_EQ(no_default->find_template("default"), nullptr);
}

TEST(TokenizerConfig, Errors) {
    const std::vector<std::pair<const char*, ErrorCode>> cases = {
        {"", ErrorCode::bad_header},
        {"{", ErrorCode::bad_header},
        {"[]", ErrorCode::bad_config},
        {R"({"chat_template": 5})", ErrorCode::bad_config},
        {R"({"chat_template": [{"name": "x"}]})", ErrorCode::bad_config},
        {R"({"bos_token": 3})", ErrorCode::bad_config},
        {R"({"bos_token": {"lstrip": true}})", ErrorCode::bad_config},
        {R"({"add_bos_token": "yes"})", ErrorCode::bad_config},
    };
    for (const auto& [text, code] : cases) {
        auto cfg = parse_tokenizer_config(text);
        ASSERT_FALSE(cfg.ok()) << text;
        EXPECT_EQ(cfg.status().code(), code) << text;
    }
    auto deep = parse_tokenizer_config(std::string(50000, '[') + std::string(50000, ']'));
    ASSERT_FALSE(deep.ok());
    EXPECT_EQ(deep.status().code(), ErrorCode::bad_header);
    auto missing = load_tokenizer_config(fixtures_dir() / "nope" / "tokenizer_config.json");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.status().code(), ErrorCode::not_found);
}

TEST(TokenizerConfig, JinjaFileBesideTheConfigWins) {
    const auto dir = std::filesystem::path(FARSIGHT_BINARY_DIR) / "tokenizer_config_test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "tokenizer_config.json") << R"({"chat_template": "old", "eos_token": "</s>"})";
    {
        auto cfg = load_tokenizer_config(dir / "tokenizer_config.json");
        ASSERT_TRUE(cfg.ok());
        EXPECT_EQ(cfg->chat_template, "old");
    }
    std::ofstream(dir / "chat_template.jinja") << "{{ messages }}";
    auto cfg = load_tokenizer_config(dir / "tokenizer_config.json");
    ASSERT_TRUE(cfg.ok()) << cfg.status().to_string();
    EXPECT_EQ(cfg->chat_template, "{{ messages }}");
    EXPECT_EQ(cfg->eos_token, "</s>");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace farsight
