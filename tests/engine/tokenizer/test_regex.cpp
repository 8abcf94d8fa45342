// The PCRE2 wrapper must behave like the Oniguruma regexes HF `tokenizers` runs: character classes
// (\s, \w, \p{L}, \p{N}), (?i:...) folding, lookahead, line anchors, Ruby's \h, onig's find_iter handling of
// empty matches, and a bounded, reported failure on catastrophic backtracking. Expected splits were taken
// from tokenizers 0.23.3 (pre_tokenizers.Split(...).pre_tokenize_str) and are also covered end to end by
// the component goldens.
#include <gtest/gtest.h>

#include <chrono>

#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

std::vector<std::string> matches(std::string_view pattern, std::string_view text) {
    auto re = Regex::compile(pattern);
    EXPECT_TRUE(re.ok()) << re.status().to_string();
    std::vector<Match> m;
    EXPECT_TRUE(re->find_all(text, m).ok());
    std::vector<std::string> out;
    for (const Match& x : m) out.emplace_back(text.substr(x.begin, x.end - x.begin));
    return out;
}

TEST(TokenizerRegex, WhiteSpaceIsUnicodeWhiteSpace) {
    // Oniguruma's \s is exactly White_Space: U+0085 yes, U+180E and U+200B no.
    const char32_t ws[] = {0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A,
                           0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    for (char32_t c : ws) {
        std::string s;
        append_utf8(s, c);
        EXPECT_EQ(matches(R"(\s)", s).size(), 1u) << std::hex << uint32_t(c);
        EXPECT_TRUE(matches(R"(\S)", s).empty()) << std::hex << uint32_t(c);
        EXPECT_TRUE(is_white_space(c));
    }
    for (char32_t c : {U'a', U'\u180E', U'\u200B', U'\uFEFF', U'_'}) {
        std::string s;
        append_utf8(s, c);
        EXPECT_TRUE(matches(R"(\s)", s).empty()) << std::hex << uint32_t(c);
        EXPECT_EQ(matches(R"([^\s])", s).size(), 1u) << std::hex << uint32_t(c);
    }
}

TEST(TokenizerRegex, WordIsOnigurumaWord) {
    // Marks, Pc and Nl are word characters; U+00B2/U+00BD are too (onig's Latin-1 table), U+2070 is not,
    // and neither are ZWJ or the middle dot.
    EXPECT_EQ(matches(R"(\w+)", "ab\u0301c d\u00b2e\u00bd f_g i\u2160j k\u0903 a\u203fb"),
              (std::vector<std::string>{"ab\u0301c", "d\u00b2e\u00bd", "f_g", "i\u2160j", "k\u0903", "a\u203fb"}));
    EXPECT_EQ(matches(R"(\w+)", "a\u2070b h\u200dh a\u00b7b"),
              (std::vector<std::string>{"a", "b", "h", "h", "a", "b"}));
    EXPECT_EQ(matches(R"(\w+|[^\w\s]+)", "h\u00e9llo\u0301 wo_rld!! ++x"),
              (std::vector<std::string>{"h\u00e9llo\u0301", "wo_rld", "!!", "++", "x"}));
}

TEST(TokenizerRegex, LettersNumbersAndCaseFolding) {
    EXPECT_EQ(matches(R"(\p{L}+|\p{N}+)", "abc\u4e2d\u6587 123\u0663\u00bd\u2160"),
              (std::vector<std::string>{"abc\u4e2d\u6587", "123\u0663\u00bd\u2160"}));
    // (?i:...) folds like Oniguruma: long s (U+017F) matches 's'.
    EXPECT_EQ(matches(R"((?i:'s|'ll))", "x'S x'\u017f x'LL x'll"),
              (std::vector<std::string>{"'S", "'\u017f", "'LL", "'ll"}));
}

TEST(TokenizerRegex, LookaheadAnchorsAndRubyEscapes) {
    EXPECT_EQ(matches(R"(\s+(?!\S)|\s+)", "a   b  "), (std::vector<std::string>{"  ", " ", "  "}));
    // Ruby syntax: ^ and $ are line anchors; \h is a hex digit.
    EXPECT_EQ(matches(R"(\s+$)", "ab  b\nb  \ncd"), (std::vector<std::string>{"  "}));
    EXPECT_EQ(matches(R"(^\w)", "ab\ncd"), (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(matches(R"(\h+)", "xyz 12af  \t"), (std::vector<std::string>{"12af"}));
    EXPECT_EQ(matches(R"(\u0041+)", "xAAy"), (std::vector<std::string>{"AA"}));
    // '.' stops only at \n.
    EXPECT_EQ(matches("a.c", "a\nc a\rc a\u2028c"), (std::vector<std::string>{"a\rc", "a\u2028c"}));
}

TEST(TokenizerRegex, EmptyMatchesIterateLikeOniguruma) {
    // \s* matches empty between characters; an empty match right after a match is skipped.
    auto re = Regex::compile(R"(\s*)");
    ASSERT_TRUE(re.ok());
    std::vector<Match> m;
    ASSERT_TRUE(re->find_all("ab  c", m).ok());
    std::vector<std::pair<uint32_t, uint32_t>> got;
    for (auto x : m) got.emplace_back(x.begin, x.end);
    EXPECT_EQ(got, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 0}, {1, 1}, {2, 4}, {5, 5}}));
}

TEST(TokenizerRegex, TranslationKeepsClassesAndEscapes) {
    EXPECT_EQ(translate_onig_pattern(R"([^\r\n\p{L}\p{N}]?\p{L}+)"), R"([^\r\n\p{L}\p{N}]?\p{L}+)");
    EXPECT_EQ(translate_onig_pattern(R"(\x{41}\p{Han})"), R"(\x{41}\p{Han})");
    EXPECT_NE(translate_onig_pattern(R"([^\s])").find("\\x{85}"), std::string::npos);
}

TEST(TokenizerRegex, CatastrophicBacktrackingFailsFastWithAnError) {
    auto re = Regex::compile("(a+)+$");
    ASSERT_TRUE(re.ok());
    const std::string text = std::string(4000, 'a') + "b";
    std::vector<Match> m;
    const auto t0 = std::chrono::steady_clock::now();
    const Status st = re->find_all(text, m);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(st.code(), ErrorCode::limit_exceeded) << st.to_string();
    EXPECT_LT(seconds, 5.0);
}

TEST(TokenizerRegex, BadPatternIsAConfigError) {
    auto re = Regex::compile("(unclosed");
    ASSERT_FALSE(re.ok());
    EXPECT_EQ(re.status().code(), ErrorCode::bad_config);
    EXPECT_NE(re.status().message().find("(unclosed"), std::string::npos);
}

TEST(TokenizerRegex, LiteralPatterns) {
    auto re = Regex::literal("a.b");
    ASSERT_TRUE(re.ok());
    std::vector<Match> m;
    ASSERT_TRUE(re->find_all("axb a.b", m).ok());
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].begin, 4u);
}

}  // namespace
}  // namespace farsight::tok
