// StreamDecoder: feeding the ids of every corpus case one at a time yields exactly decode(ids) once flushed,
// every piece is complete UTF-8 (no U+FFFD that the full decode does not have), for byte-level, Metaspace
// and byte-fallback tokenizers, with and without skipping special tokens.
#include <gtest/gtest.h>

#include "golden_util.h"
#include "tokenizer/stream_decoder.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

namespace farsight {
namespace {

using namespace tokenizer_test;

std::size_t count_replacements(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t p = s.find("\xEF\xBF\xBD"); p != std::string::npos; p = s.find("\xEF\xBF\xBD", p + 3)) ++n;
    return n;
}

class StreamDecode : public ::testing::TestWithParam<std::string> {};

TEST_P(StreamDecode, PiecesConcatenateToDecode) {
    auto tok = Tokenizer::from_file(fixture_path(GetParam()));
    ASSERT_TRUE(tok.ok()) << tok.status().to_string();
    const auto corpus = read_json(fixtures_dir() / "corpus.json");
    for (const auto& in : corpus_inputs(corpus)) {
        if (in.bytes.size() > 20000) continue;  // the long generated inputs add time, not coverage
        SCOPED_TRACE(in.name);
        auto ids = tok->encode(in.bytes, true);
        ASSERT_TRUE(ids.ok());
        for (const bool skip : {false, true}) {
            StreamDecoder stream(tok.value(), skip);
            std::string joined;
            std::size_t pieces_fffd = 0;
            for (const int32_t id : ids.value()) {
                const std::string piece = stream.step(id);
                EXPECT_TRUE(tok::is_valid_utf8(piece));
                pieces_fffd += count_replacements(piece);
                joined += piece;
            }
            joined += stream.flush();
            const std::string want = tok->decode(ids.value(), skip);
            EXPECT_EQ(joined, want);
            EXPECT_LE(pieces_fffd, count_replacements(want));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, StreamDecode,
                         ::testing::Values("gpt2", "llama3", "llama2-spm", "qwen2", "synth-metaspace",
                                           "synth-metaspace-always", "minimax-a2"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string n = info.param;
                             for (char& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

TEST(StreamDecode, HoldsBackPartialCharacters) {
    auto tok = Tokenizer::from_file(fixture_path("gpt2"));
    ASSERT_TRUE(tok.ok());
    // "€" is three bytes; GPT-2 spells it with byte tokens that each carry part of it.
    auto ids = tok->encode("\xE2\x82\xAC\xE2\x82\xAC!");
    ASSERT_TRUE(ids.ok());
    ASSERT_GE(ids->size(), 2u);
    StreamDecoder stream(tok.value());
    std::vector<std::string> pieces;
    for (int32_t id : ids.value()) pieces.push_back(stream.step(id));
    std::string all;
    for (const auto& p : pieces) {
        EXPECT_EQ(count_replacements(p), 0u);
        all += p;
    }
    all += stream.flush();
    EXPECT_EQ(all, "\xE2\x82\xAC\xE2\x82\xAC!");
    // A lone lead byte (byte-level "\u00e2" is byte 0xE2) is held back, then flushed as U+FFFD.
    const auto lead = tok->token_to_id("\xC3\xA2");
    ASSERT_TRUE(lead.has_value());
    StreamDecoder partial(tok.value());
    EXPECT_EQ(partial.step(*lead), "");
    EXPECT_EQ(partial.flush(), "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace farsight
