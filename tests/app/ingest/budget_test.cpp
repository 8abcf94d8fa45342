// Token counting per page / line run, and the budget plan with exact numbers.
#include <gtest/gtest.h>

#include <vector>

#include "ingest/budget.h"
#include "ingest/extract.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

// A stand-in tokenizer: one token per whitespace-separated word.
Result<std::vector<int32_t>> words(std::string_view s) {
    std::vector<int32_t> ids;
    bool in_word = false;
    for (char c : s) {
        const bool space = c == ' ' || c == '\n' || c == '\t';
        if (!space && !in_word) ids.push_back(static_cast<int32_t>(ids.size()));
        in_word = !space;
    }
    return ids;
}

TEST(TokenCount, SegmentsCoverTheTextByPageAndLineRun) {
    auto doc = extract(std::vector<std::string>{test::fixture("multipage.pdf"), test::fixture("alice_ch1.txt")});
    ASSERT_TRUE(doc.ok());
    TokenCountOptions o;
    o.segment_bytes = 2048;
    std::vector<uint64_t> progress;
    auto counts = count_tokens(*doc, words, o, [&](uint64_t done, uint64_t total, int64_t) {
        EXPECT_EQ(total, doc->text().size());
        progress.push_back(done);
    });
    ASSERT_TRUE(counts.ok()) << counts.status().to_string();
    ASSERT_EQ(counts->size(), 2u);
    const FileTokens& pdf = (*counts)[0];
    const FileTokens& txt = (*counts)[1];
    ASSERT_EQ(pdf.segments.size(), 3u);
    for (int p = 0; p < 3; ++p) EXPECT_EQ(pdf.segments[static_cast<size_t>(p)].page, p + 1);
    EXPECT_EQ(pdf.segments[0].range.begin, 0u);   // the file header belongs to page 1
    EXPECT_EQ(doc->view(pdf.segments[1].range).substr(0, 15), "--- page 2 ---\n");
    // Segments tile the text, and the counts add up to counting everything at once.
    uint64_t at = 0;
    for (const FileTokens* f : {&pdf, &txt})
        for (const TokenSegment& s : f->segments) {
            EXPECT_EQ(s.range.begin, at);
            at = s.range.end;
        }
    EXPECT_EQ(at, doc->text().size());
    EXPECT_EQ(pdf.n_tokens + txt.n_tokens, static_cast<int64_t>(words(doc->text())->size()));
    EXPECT_EQ(txt.n_tokens, static_cast<int64_t>(words(doc->view({txt.segments.front().range.begin, at}))->size()));
    // Text segments: cut at line ends near 2 KiB, lines continuous from 1 to 202.
    EXPECT_GE(txt.segments.size(), 5u);
    EXPECT_EQ(txt.segments.front().first_line, 1);
    for (size_t i = 1; i < txt.segments.size(); ++i)
        EXPECT_EQ(txt.segments[i].first_line, txt.segments[i - 1].last_line + 1);
    EXPECT_EQ(txt.segments.back().last_line, 202);
    EXPECT_EQ(progress.back(), doc->text().size());

    CancelToken stop;
    stop.cancel();
    EXPECT_EQ(count_tokens(*doc, words, o, nullptr, &stop).status().code(), ErrorCode::cancelled);
    auto failing = [](std::string_view) -> Result<std::vector<int32_t>> { return Status(ErrorCode::internal, "boom"); };
    EXPECT_EQ(count_tokens(*doc, failing).status().message(), "counting tokens of multipage.pdf: boom");
}

FileTokens file(int32_t id, std::string name, std::vector<int64_t> seg_tokens, bool pages) {
    FileTokens f;
    f.file = id;
    f.name = std::move(name);
    int32_t line = 1;
    for (size_t i = 0; i < seg_tokens.size(); ++i) {
        TokenSegment s;
        s.n_tokens = seg_tokens[i];
        if (pages) s.page = static_cast<int32_t>(i) + 1;
        else { s.first_line = line; s.last_line = line + 49; line += 50; }
        f.n_tokens += s.n_tokens;
        f.segments.push_back(s);
    }
    return f;
}

TEST(Budget, FitsOrOffersExactChoices) {
    BudgetRequest req;
    req.files = {file(0, "report.pdf", {100, 200, 300}, true), file(1, "notes.txt", {40, 60}, false)};
    req.n_ctx = 650;
    req.n_reserve = 50;
    req.n_other = 20;
    const BudgetPlan plan = plan_budget(req);
    EXPECT_FALSE(plan.fits);
    EXPECT_EQ(plan.n_documents, 700);
    EXPECT_EQ(plan.n_needed, 770);
    EXPECT_EQ(plan.n_over, 120);
    EXPECT_EQ(plan.summary, "documents need 700 tokens; context is 650 with 50 reserved for the reply and 20 used by "
                            "the conversation: 120 tokens too many");
    ASSERT_EQ(plan.choices.size(), 3u);
    EXPECT_EQ(plan.choices[0].kind, ChoiceKind::remove_files);
    EXPECT_EQ(plan.choices[0].description, "remove report.pdf (saves 600 tokens)");
    EXPECT_EQ(plan.choices[0].n_tokens_after, 100);
    EXPECT_EQ(plan.choices[1].kind, ChoiceKind::keep_prefix);
    EXPECT_EQ(plan.choices[1].last_page, 2);
    EXPECT_EQ(plan.choices[1].n_saved, 300);
    EXPECT_EQ(plan.choices[1].n_tokens_after, 400);
    EXPECT_EQ(plan.choices[1].description, "include pages 1\u20132 of report.pdf only (drops 300 tokens)");
    EXPECT_EQ(plan.choices[2].kind, ChoiceKind::larger_context);
    EXPECT_EQ(plan.choices[2].n_ctx_needed, 770);
    EXPECT_EQ(plan.choices[2].description, "use a model (or setting) with a context of at least 770 tokens");

    req.n_ctx = 800;
    const BudgetPlan ok = plan_budget(req);
    EXPECT_TRUE(ok.fits);
    EXPECT_TRUE(ok.choices.empty());
    EXPECT_EQ(ok.summary, "documents need 700 tokens; context is 800 with 50 reserved for the reply and 20 used by "
                          "the conversation (30 tokens to spare)");
}

TEST(Budget, LineRunsAndSeveralFilesToRemove) {
    BudgetRequest req;
    req.files = {file(0, "big.pdf", {400}, true), file(1, "mid.txt", {100, 100, 100}, false), file(2, "small.md", {200}, false)};
    req.n_ctx = 500;
    req.n_reserve = 150;
    const BudgetPlan plan = plan_budget(req);
    ASSERT_EQ(plan.choices.size(), 2u);
    EXPECT_EQ(plan.choices[0].description, "remove big.pdf and mid.txt (saves 700 tokens)");
    EXPECT_EQ(plan.choices[0].files, (std::vector<int32_t>{0, 1}));
    EXPECT_EQ(plan.choices[1].kind, ChoiceKind::larger_context);

    req.n_ctx = 950;   // 800 fit: remove any one file, or cut mid.txt to lines 1-100
    const BudgetPlan p2 = plan_budget(req);
    ASSERT_GE(p2.choices.size(), 3u);
    EXPECT_EQ(p2.choices[0].description, "remove small.md (saves 200 tokens)");
    EXPECT_EQ(p2.choices[1].description, "remove mid.txt (saves 300 tokens)");
    EXPECT_EQ(p2.choices[2].description, "remove big.pdf (saves 400 tokens)");
    ASSERT_EQ(p2.choices.size(), 5u);
    EXPECT_EQ(p2.choices[3].description, "include lines 1\u2013100 of mid.txt only (drops 100 tokens)");
    EXPECT_EQ(p2.choices[3].last_line, 100);
}

TEST(Budget, KeepRangesSelectTheText) {
    auto doc = extract(std::vector<std::string>{test::fixture("alice_ch1.txt"), test::fixture("multipage.pdf")});
    ASSERT_TRUE(doc.ok());
    auto counts = count_tokens(*doc, words);
    ASSERT_TRUE(counts.ok());
    const int64_t total = (*counts)[0].n_tokens + (*counts)[1].n_tokens;
    BudgetRequest req{*counts, total - (*counts)[1].segments[2].n_tokens, 0, 0};
    const BudgetPlan plan = plan_budget(req);
    ASSERT_FALSE(plan.fits);
    const BudgetChoice* prefix = nullptr;
    for (const BudgetChoice& c : plan.choices)
        if (c.kind == ChoiceKind::keep_prefix) { prefix = &c; break; }
    ASSERT_NE(prefix, nullptr);
    EXPECT_EQ(prefix->description, "include pages 1\u20132 of multipage.pdf only (drops " +
                                       format_count((*counts)[1].segments[2].n_tokens) + " tokens)");
    ASSERT_EQ(prefix->keep.size(), 1u);
    EXPECT_EQ(prefix->keep[0].begin, 0u);
    EXPECT_EQ(prefix->keep[0].end, doc->text().find("--- page 3 ---"));
    EXPECT_EQ(prefix->n_tokens_after, req.n_ctx);
}

TEST(Budget, NumbersAreFormatted) {
    EXPECT_EQ(format_count(1240311), "1,240,311");
    EXPECT_EQ(format_count(0), "0");
    EXPECT_EQ(format_count(999), "999");
    EXPECT_EQ(format_count(-1234), "-1,234");
    BudgetRequest req;
    req.files = {file(0, "book.pdf", {1240311}, true)};
    req.n_ctx = 1000000;
    req.n_reserve = 4096;
    EXPECT_EQ(plan_budget(req).summary,
              "documents need 1,240,311 tokens; context is 1,000,000 with 4,096 reserved for the reply: 244,407 tokens too many");
}

}  // namespace
}  // namespace farsight::ingest
