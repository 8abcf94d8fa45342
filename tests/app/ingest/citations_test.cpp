// Citation matching on real text (Alice ch. I as TXT, and as a PDF with a hyphenated line):
// exact, normalised, approximate, not found, omissions, repeated passages, and a larger source.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ingest/citations.h"
#include "ingest/extract.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

class Citations : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto doc = extract(std::vector<std::string>{test::fixture("alice_ch1.txt"), test::fixture("multipage.pdf")});
        ASSERT_TRUE(doc.ok());
        s_doc = new Document(std::move(doc).value());
        auto index = CitationIndex::build(*s_doc);
        ASSERT_TRUE(index.ok());
        s_index = new CitationIndex(std::move(index).value());
    }
    static void TearDownTestSuite() {
        delete s_index;
        delete s_doc;
    }
    static CitationMatch match(std::string text) {
        return s_index->match(Quote{std::move(text), {}, QuoteKind::double_quotes});
    }
    static Document* s_doc;
    static CitationIndex* s_index;
};
Document* Citations::s_doc = nullptr;
CitationIndex* Citations::s_index = nullptr;

TEST_F(Citations, Exact) {
    const CitationMatch m = match("nothing so VERY remarkable in that");
    EXPECT_EQ(m.kind, MatchKind::exact);
    EXPECT_EQ(m.score, 1.0);
    EXPECT_EQ(s_doc->view(m.source), "nothing so VERY remarkable in that");
    EXPECT_EQ(m.where, (Location{0, "alice_ch1.txt", 0, 15, 11}));
    EXPECT_EQ(m.n_occurrences, 2);   // the PDF holds the same paragraph; the first place is reported
}

TEST_F(Citations, NormalisedCaseQuotesAndLineBreaks) {
    CitationMatch m = match("Would the fall never come to an end!");
    EXPECT_EQ(m.kind, MatchKind::normalised);
    EXPECT_EQ(m.where, (Location{0, "alice_ch1.txt", 0, 52, 19}));
    EXPECT_EQ(s_doc->view(m.source), "Would the fall NEVER come to an end");

    m = match("Oh dear! Oh dear! I shall be late!");   // a line break in the source
    EXPECT_EQ(m.kind, MatchKind::normalised);
    EXPECT_EQ(m.where.line, 16);
    EXPECT_EQ(m.where.column, 61);

    m = match("thought Alice \xE2\x80\x98without pictures or conversation?\xE2\x80\x99");   // curly quotes
    EXPECT_EQ(m.kind, MatchKind::normalised);
    EXPECT_EQ(m.where.line, 6);
}

TEST(CitationsPdf, HyphenationAcrossPdfLines) {
    auto doc = extract(std::vector<std::string>{test::fixture("multipage.pdf")});
    ASSERT_TRUE(doc.ok());
    auto index = CitationIndex::build(*doc);
    ASSERT_TRUE(index.ok());
    const Document* s_doc = &doc.value();
    const CitationMatch m = index->match(Quote{"Alice had not a moment to think about stopping herself", {}, QuoteKind::double_quotes});
    EXPECT_EQ(m.kind, MatchKind::normalised);
    EXPECT_EQ(m.where.file_name, "multipage.pdf");
    EXPECT_EQ(m.where.page, 3);
    EXPECT_EQ(m.where.line, 2);
    EXPECT_EQ(s_doc->view(m.source), "Alice had not a mo-\nment to think about stopping herself");
}

TEST_F(Citations, ApproximateParaphrase) {
    const CitationMatch m = match("She took down a jar from one of the shelves as she went by; it was labelled ORANGE MARMALADE");
    EXPECT_EQ(m.kind, MatchKind::approximate);
    EXPECT_GT(m.score, 0.9);
    EXPECT_LT(m.score, 1.0);
    EXPECT_EQ(m.where, (Location{0, "alice_ch1.txt", 0, 41, 17}));
    EXPECT_EQ(s_doc->view(m.source).substr(0, 19), "She took down a jar");
    EXPECT_EQ(s_doc->view(m.source).substr(s_doc->view(m.source).size() - 9), "MARMALADE");
}

TEST_F(Citations, NotFoundIsFlagged) {
    CitationMatch m = match("The Queen of Hearts shouted off with her head at once");
    EXPECT_EQ(m.kind, MatchKind::not_found);
    EXPECT_TRUE(m.source.empty());
    // Close to a real sentence but too different.
    m = match("The rabbit-hole went crooked like a snake for a long time, then rose slowly up");
    EXPECT_EQ(m.kind, MatchKind::not_found);
    EXPECT_LT(m.score, 0.8);
}

TEST_F(Citations, OmissionsAndRepeats) {
    CitationMatch m = match("Alice was beginning to get very tired \xE2\x80\xA6 she had peeped into the book her sister was reading");
    EXPECT_EQ(m.kind, MatchKind::normalised);   // the second part crosses a line break
    EXPECT_EQ(m.where.line, 3);
    EXPECT_EQ(s_doc->view(m.source).substr(0, 19), "Alice was beginning");
    EXPECT_EQ(s_doc->view(m.source).substr(s_doc->view(m.source).size() - 7), "reading");
    m = match("Alice was beginning to get very tired [...] the Queen's croquet-ground was near");
    EXPECT_EQ(m.kind, MatchKind::not_found);
    m = match("Down, down, down.");
    EXPECT_EQ(m.kind, MatchKind::exact);
    EXPECT_EQ(m.n_occurrences, 2);
    EXPECT_EQ(m.where.line, 52);
}

TEST_F(Citations, WholeAnswer) {
    const std::string answer =
        "In chapter I Alice notes that the Rabbit said \xE2\x80\x9COh my ears and whiskers, how late it's getting!\xE2\x80\x9D "
        "and she finds a bottle labelled \"DRINK ME\" (too short to check). Later:\n\n"
        "> There were doors all round the hall, but they were all locked\n\n"
        "The page says \"the Cheshire Cat grinned from ear to ear\".";
    const auto matches = s_index->match_answer(answer);
    ASSERT_EQ(matches.size(), 3u);
    EXPECT_EQ(matches[0].kind, MatchKind::normalised);   // a line break after "ears"
    EXPECT_EQ(matches[1].kind, MatchKind::exact);
    EXPECT_EQ(matches[1].quote.kind, QuoteKind::blockquote);
    EXPECT_EQ(matches[2].kind, MatchKind::not_found);
    EXPECT_EQ(match_kind_name(matches[2].kind), "not_found");
}

// A few MB of generated words: every passage is found where it was taken from.
TEST(CitationsLarge, RandomPassagesOfAGeneratedSource) {
    std::mt19937 rng(11);
    std::vector<std::string> vocab;
    for (int i = 0; i < 5000; ++i) {
        std::string w;
        for (int k = 0; k < 3 + static_cast<int>(rng() % 6); ++k) w += static_cast<char>('a' + rng() % 26);
        vocab.push_back(w);
    }
    std::string text;
    while (text.size() < (6u << 20)) {
        text += vocab[rng() % vocab.size()];
        text += rng() % 12 == 0 ? '\n' : ' ';
    }
    const std::string path = test::temp_file("large_source.txt", text);
    auto doc = extract(std::vector<std::string>{path});
    ASSERT_TRUE(doc.ok());
    auto index = CitationIndex::build(*doc);
    ASSERT_TRUE(index.ok());
    EXPECT_LT(index->memory_bytes(), 4 * text.size());
    for (int q = 0; q < 30; ++q) {
        const size_t len = 60 + rng() % 200;
        const size_t at = rng() % (text.size() - len);
        std::string passage = text.substr(at, len);
        if (q % 3 == 1) for (char& c : passage) c = c == '\n' ? ' ' : static_cast<char>(std::toupper(c));
        if (q % 3 == 2) for (size_t i = 5; i < passage.size(); i += 25) passage[i] = passage[i] == 'x' ? 'y' : 'x';
        const CitationMatch m = index->match(Quote{passage, {}, QuoteKind::double_quotes});
        ASSERT_NE(m.kind, MatchKind::not_found) << q;
        if (q % 3 == 0) {
            EXPECT_EQ(m.kind, MatchKind::exact);
        }
        EXPECT_LE(m.source.begin, at + 10) << q;
        EXPECT_GE(m.source.end + 10, at + len) << q;
    }
    CancelToken stop;
    stop.cancel();
    EXPECT_EQ(CitationIndex::build(*doc, &stop).status().code(), ErrorCode::cancelled);
}

}  // namespace
}  // namespace farsight::ingest
