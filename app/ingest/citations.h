// Citations: find the quoted passages of an answer ("…", “…”, «…», > blockquotes, long `code`)
// and match each back to the source Document: exact, then normalised (case, whitespace, quotes,
// dashes, hyphenation, NFKC-ish punctuation), then fuzzy (n-gram anchors + banded edit distance).
// Build a CitationIndex once per Document (off the GUI thread); queries are then milliseconds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"   // CancelToken
#include "ingest/document.h"

namespace farsight::ingest {

enum class QuoteKind { double_quotes, curly_quotes, guillemets, blockquote, code };

struct Quote {
    std::string text;            // the quoted passage (blockquote lines joined, '>' removed)
    TextRange in_answer;         // byte range of the passage in the answer (inner, without marks)
    QuoteKind kind = QuoteKind::double_quotes;
};

struct QuoteOptions {
    int32_t min_chars = 12;          // shorter quotes are scare quotes, not citations
    int32_t min_code_chars = 40;     // inline `code` spans count only when at least this long
};

// Quotes in `answer`, in order. Quotes inside code spans/blocks and inside blockquotes are not
// reported twice; fenced code blocks are skipped.
std::vector<Quote> find_quotes(std::string_view answer, const QuoteOptions& options = {});

enum class MatchKind {
    exact,        // byte-for-byte in the source
    normalised,   // equal after folding case, whitespace, quotes, dashes, hyphenation
    approximate,  // best approximate passage with similarity >= the threshold
    not_found,    // flag it to the user
};
std::string_view match_kind_name(MatchKind kind) noexcept;

struct CitationMatch {
    Quote quote;
    MatchKind kind = MatchKind::not_found;
    double score = 0.0;          // 1.0 for exact/normalised; similarity for approximate
    TextRange source;            // matched passage in Document::text() (empty when not found)
    Location where;              // location of source.begin
    int32_t n_occurrences = 0;   // exact/normalised: how many places hold it (first one reported)
};

struct MatchOptions {
    double min_similarity = 0.80;    // approximate matches below this are not_found
    int32_t max_candidates = 8;      // candidate windows aligned per quote in the fuzzy stage
};

class CitationIndex {
public:
    // Normalises the text and builds a sampled k-gram index: O(n), about 2.5x the text in memory.
    // The Document must outlive the index. Checks `stop` every few MiB (cancelled).
    static Result<CitationIndex> build(const Document& document, const CancelToken* stop = nullptr);

    CitationIndex(CitationIndex&&) noexcept;
    CitationIndex& operator=(CitationIndex&&) noexcept;
    ~CitationIndex();

    CitationMatch match(const Quote& quote, const MatchOptions& options = {}) const;
    // find_quotes(answer) + match() each; thread-safe (const) once built.
    std::vector<CitationMatch> match_answer(std::string_view answer, const QuoteOptions& quote_options = {},
                                            const MatchOptions& options = {}) const;

    uint64_t memory_bytes() const noexcept;

private:
    struct Impl;
    explicit CitationIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace farsight::ingest
