// find_quotes(): the kinds of quotation an answer uses, and what is not a quote.
#include <gtest/gtest.h>

#include "ingest/citations.h"

namespace farsight::ingest {
namespace {

std::vector<std::pair<QuoteKind, std::string>> kinds_and_texts(std::string_view answer) {
    std::vector<std::pair<QuoteKind, std::string>> out;
    for (const Quote& q : find_quotes(answer)) {
        if (q.kind != QuoteKind::blockquote) {
            EXPECT_EQ(answer.substr(q.in_answer.begin, q.in_answer.size()), q.text);
        }
        out.emplace_back(q.kind, q.text);
    }
    return out;
}

TEST(Quotes, InlineMarks) {
    const auto got = kinds_and_texts(
        "He wrote \"the quick brown fox jumps\" and \xE2\x80\x9C" "curly quoted passage here\xE2\x80\x9D, also "
        "\xC2\xAB\xC2\xA0guillemets passage here\xC2\xA0\xC2\xBB and \xE2\x80\x9EGerman style quote here\xE2\x80\x9C.");
    const std::vector<std::pair<QuoteKind, std::string>> expected{
        {QuoteKind::double_quotes, "the quick brown fox jumps"},
        {QuoteKind::curly_quotes, "curly quoted passage here"},
        {QuoteKind::guillemets, "guillemets passage here"},
        {QuoteKind::curly_quotes, "German style quote here"}};
    EXPECT_EQ(got, expected);
}

TEST(Quotes, ScareQuotesCodeAndUnclosedAreNotQuotes) {
    EXPECT_TRUE(find_quotes("the \"so-called\" thing").empty());
    EXPECT_TRUE(find_quotes("`\"not a quote here at all\"` and more").empty());
    EXPECT_TRUE(find_quotes("an \"unclosed quote that never ends").empty());
    EXPECT_TRUE(find_quotes("\"one two three four five\n\nsix seven eight nine\"").empty());   // not across paragraphs
    EXPECT_TRUE(find_quotes("```\n\"quoted text inside a code block\"\n```\n").empty());
    const auto code = find_quotes("Run `grep -n \"ORANGE MARMALADE\" alice_ch1.txt | head -n 20` to see.");
    ASSERT_EQ(code.size(), 1u);
    EXPECT_EQ(code[0].kind, QuoteKind::code);
    EXPECT_EQ(code[0].text, "grep -n \"ORANGE MARMALADE\" alice_ch1.txt | head -n 20");
    QuoteOptions o;
    o.min_chars = 3;
    EXPECT_EQ(find_quotes("the \"so-called\" thing", o).size(), 1u);
}

TEST(Quotes, BlockquotesJoinLinesAndDropWrappingQuotes) {
    const std::string answer =
        "The chapter opens with this:\n\n"
        "> 'and what is the use of a book,' thought Alice\n"
        ">  'without pictures or conversation?'\n\n"
        "and later\n"
        "> \xE2\x80\x9CI wonder if I shall fall right THROUGH the earth!\xE2\x80\x9D\n"
        "said Alice.";
    const auto quotes = find_quotes(answer);
    ASSERT_EQ(quotes.size(), 2u);
    EXPECT_EQ(quotes[0].kind, QuoteKind::blockquote);
    EXPECT_EQ(quotes[0].text, "'and what is the use of a book,' thought Alice\n'without pictures or conversation?'");
    EXPECT_EQ(answer.substr(quotes[0].in_answer.begin, 2), "'a");
    EXPECT_EQ(quotes[1].text, "I wonder if I shall fall right THROUGH the earth!");
}

}  // namespace
}  // namespace farsight::ingest
