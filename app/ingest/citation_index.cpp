// CitationIndex (contract in citations.h): folded text + sampled k-gram index, then per quote:
// exact/normalised occurrences found through the rarest anchor gram of each residue class, else
// fuzzy candidates by diagonal voting of gram hits, aligned with a banded edit distance.
#include <algorithm>
#include <functional>

#include "ingest/citations.h"
#include "ingest/fuzzy_align.h"
#include "ingest/kgram_index.h"
#include "ingest/text_normalize.h"

namespace farsight::ingest {

std::string_view match_kind_name(MatchKind kind) noexcept {
    switch (kind) {
        case MatchKind::exact: return "exact";
        case MatchKind::normalised: return "normalised";
        case MatchKind::approximate: return "approximate";
        case MatchKind::not_found: return "not_found";
    }
    return "not_found";
}

namespace {

struct IndexData {
    const Document* doc = nullptr;
    NormalizedText folded;
    KgramIndex index;
};

constexpr size_t k_max_occurrences = 1000;
constexpr size_t k_max_bucket_for_votes = 4096;   // grams this common say nothing about position

struct PartMatch {
    MatchKind kind = MatchKind::not_found;
    double score = 0.0;
    TextRange source;              // original text
    int32_t n_occurrences = 0;
    std::vector<TextRange> alternatives;   // exact/normalised occurrences in the original text
    std::vector<bool> alternative_exact;
};

// Splits "a … b [...] c" into the quoted pieces around the omissions.
std::vector<std::string_view> split_omissions(std::string_view q) {
    std::vector<std::string_view> parts;
    size_t part_begin = 0, i = 0;
    auto cut = [&](size_t at, size_t len) {
        parts.push_back(q.substr(part_begin, at - part_begin));
        i = at + len;
        part_begin = i;
    };
    while (i < q.size()) {
        size_t len = 0;
        if (q.compare(i, 3, "...") == 0) { len = 3; while (i + len < q.size() && q[i + len] == '.') ++len; }
        else if (q.compare(i, 3, "\xE2\x80\xA6") == 0) len = 3;
        if (len && i > 0 && (q[i - 1] == '[' || q[i - 1] == '(') && i + len < q.size() &&
            (q[i + len] == ']' || q[i + len] == ')')) {
            // "[...]": cut around the brackets too.
            parts.push_back(q.substr(part_begin, i - 1 - part_begin));
            i = i + len + 1;
            part_begin = i;
            continue;
        }
        if (len) { cut(i, len); continue; }
        ++i;
    }
    parts.push_back(q.substr(part_begin));
    std::vector<std::string_view> kept;
    for (std::string_view p : parts)
        if (normalize(p).size() >= 4) kept.push_back(p);
    return kept;
}

std::vector<uint64_t> find_folded(const IndexData& im, std::string_view q) {
    const std::string& t = im.folded.text();
    std::vector<uint64_t> starts;
    const size_t m = q.size();
    if (m == 0 || m > t.size()) return starts;
    if (m < KgramIndex::k_gram + KgramIndex::k_step - 1) {
        const std::boyer_moore_horspool_searcher searcher(q.begin(), q.end());
        auto it = t.begin();
        while (starts.size() < k_max_occurrences) {
            it = std::search(it, t.end(), searcher);
            if (it == t.end()) break;
            starts.push_back(static_cast<uint64_t>(it - t.begin()));
            ++it;
        }
        return starts;
    }
    // Every occurrence start s has exactly one residue r with s + r on the sampling grid; for each r
    // the rarest gram at offsets r, r + step, ... finds all occurrences of that class.
    for (uint32_t r = 0; r < KgramIndex::k_step; ++r) {
        std::span<const uint32_t> best;
        size_t best_j = 0;
        bool have = false;
        for (size_t j = r; j + KgramIndex::k_gram <= m; j += KgramIndex::k_step) {
            auto c = im.index.candidates(q.data() + j);
            if (!have || c.size() < best.size()) { best = c; best_j = j; have = true; }
            if (best.empty()) break;
        }
        for (uint32_t pos : best) {
            if (pos < best_j) continue;
            const uint64_t s = pos - best_j;
            if (s + m <= t.size() && t.compare(s, m, q) == 0) starts.push_back(s);
        }
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    if (starts.size() > k_max_occurrences) starts.resize(k_max_occurrences);
    return starts;
}

// Bytes of `raw` before its first / after its last character that survives folding.
std::pair<size_t, size_t> unfolded_edges(std::string_view raw) {
    char buf[12];
    size_t lead = raw.size(), trail_end = 0;
    for (size_t i = 0; i < raw.size();) {
        size_t len = 1;
        const char32_t cp = decode_utf8(raw.data() + i, raw.size() - i, len);
        if (fold_code_point(cp, buf) > 0) {
            if (lead == raw.size()) lead = i;
            trail_end = i + len;
        }
        i += len;
    }
    return {lead, raw.size() - trail_end};
}

PartMatch match_part(const IndexData& im, std::string_view raw, const MatchOptions& options) {
    PartMatch pm;
    const std::string q = normalize(raw);
    const std::string& text = im.doc->text();
    const std::vector<uint64_t> starts = find_folded(im, q);
    if (!starts.empty()) {
        const auto [lead, trail] = unfolded_edges(raw);
        pm.n_occurrences = static_cast<int32_t>(starts.size());
        for (uint64_t s : starts) {
            const uint64_t ob = im.folded.to_original(s);
            const uint64_t oe = im.folded.to_original_end(s + q.size());
            const bool exact = ob >= lead && text.compare(ob - lead, raw.size(), raw) == 0;
            pm.alternatives.push_back(exact ? TextRange{ob - lead, ob - lead + raw.size()} : TextRange{ob, oe});
            pm.alternative_exact.push_back(exact);
        }
        const auto first_exact = std::find(pm.alternative_exact.begin(), pm.alternative_exact.end(), true);
        const size_t pick = first_exact == pm.alternative_exact.end()
                                ? 0 : static_cast<size_t>(first_exact - pm.alternative_exact.begin());
        pm.kind = pm.alternative_exact[pick] ? MatchKind::exact : MatchKind::normalised;
        pm.score = 1.0;
        pm.source = pm.alternatives[pick];
        return pm;
    }
    const size_t m = q.size();
    if (m < 16) return pm;
    // Fuzzy: every verified gram hit votes for the diagonal (text offset of q[0]).
    const std::string& t = im.folded.text();
    std::vector<int64_t> votes;
    for (size_t j = 0; j + KgramIndex::k_gram <= m; ++j) {
        auto cands = im.index.candidates(q.data() + j);
        if (cands.size() > k_max_bucket_for_votes) continue;
        for (uint32_t pos : cands)
            if (t.compare(pos, KgramIndex::k_gram, q.data() + j, KgramIndex::k_gram) == 0)
                votes.push_back(static_cast<int64_t>(pos) - static_cast<int64_t>(j));
    }
    if (votes.empty()) return pm;
    std::sort(votes.begin(), votes.end());
    struct Cluster { size_t count; int64_t diag; };
    std::vector<Cluster> clusters;
    const auto spread = static_cast<int64_t>(std::max<size_t>(32, m / 8));
    for (size_t a = 0; a < votes.size();) {
        size_t b = a;
        while (b < votes.size() && votes[b] - votes[a] <= spread) ++b;
        clusters.push_back({b - a, votes[a + (b - a) / 2]});
        a = b;
    }
    std::sort(clusters.begin(), clusters.end(), [](const Cluster& x, const Cluster& y) { return x.count > y.count; });
    if (clusters.size() > static_cast<size_t>(std::max(1, options.max_candidates)))
        clusters.resize(static_cast<size_t>(std::max(1, options.max_candidates)));
    const auto band = static_cast<int64_t>(std::min<size_t>(m / 4, 2000) + 32);
    Alignment best;
    for (const Cluster& c : clusters) {
        const Alignment a = align_banded(q, t, c.diag, band);
        if (a.distance >= 0 && (best.distance < 0 || a.distance < best.distance)) best = a;
    }
    if (best.distance < 0 || best.end <= best.begin) return pm;
    const double score = 1.0 - static_cast<double>(best.distance) / static_cast<double>(m);
    pm.score = std::max(0.0, score);
    if (score < options.min_similarity) return pm;
    pm.kind = MatchKind::approximate;
    pm.source = {im.folded.to_original(best.begin), im.folded.to_original_end(best.end)};
    return pm;
}

int severity(MatchKind k) { return static_cast<int>(k); }

}  // namespace

struct CitationIndex::Impl : IndexData {};

CitationIndex::CitationIndex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
CitationIndex::CitationIndex(CitationIndex&&) noexcept = default;
CitationIndex& CitationIndex::operator=(CitationIndex&&) noexcept = default;
CitationIndex::~CitationIndex() = default;

Result<CitationIndex> CitationIndex::build(const Document& document, const CancelToken* stop) {
    auto impl = std::make_unique<Impl>();
    impl->doc = &document;
    FS_ASSIGN_OR_RETURN(impl->folded, NormalizedText::build(document.text(), stop));
    FS_ASSIGN_OR_RETURN(impl->index, KgramIndex::build(impl->folded.text(), stop));
    return CitationIndex(std::move(impl));
}

uint64_t CitationIndex::memory_bytes() const noexcept {
    return m_impl ? m_impl->folded.memory_bytes() + m_impl->index.memory_bytes() : 0;
}

CitationMatch CitationIndex::match(const Quote& quote, const MatchOptions& options) const {
    CitationMatch out;
    out.quote = quote;
    const std::vector<std::string_view> parts = split_omissions(quote.text);
    if (parts.empty() || !m_impl) return out;
    MatchKind worst = MatchKind::exact;
    double weighted = 0.0, weight = 0.0;
    TextRange first{}, last{};
    for (size_t i = 0; i < parts.size(); ++i) {
        PartMatch pm = match_part(*m_impl, parts[i], options);
        if (pm.kind == MatchKind::not_found) {
            out.kind = MatchKind::not_found;
            out.score = 0.0;
            out.source = {};
            return out;
        }
        // Later parts: the first occurrence after the previous part, when there is a choice.
        if (i > 0 && !pm.alternatives.empty()) {
            for (size_t a = 0; a < pm.alternatives.size(); ++a) {
                if (pm.alternatives[a].begin >= last.end) {
                    pm.source = pm.alternatives[a];
                    pm.kind = pm.alternative_exact[a] ? MatchKind::exact : MatchKind::normalised;
                    break;
                }
            }
        }
        if (severity(pm.kind) > severity(worst)) worst = pm.kind;
        const auto w = static_cast<double>(parts[i].size());
        weighted += pm.score * w;
        weight += w;
        if (i == 0) { first = pm.source; out.n_occurrences = pm.n_occurrences; }
        last = pm.source;
    }
    out.kind = worst;
    out.score = weight > 0 ? weighted / weight : 0.0;
    // Omitted text between the parts belongs to the passage when the parts are near each other.
    const uint64_t limit = 8 * quote.text.size() + 4096;
    out.source = (last.end > first.begin && last.end - first.begin <= limit) ? TextRange{first.begin, last.end} : first;
    if (auto loc = m_impl->doc->locate(out.source.begin); loc.ok()) out.where = std::move(loc).value();
    return out;
}

std::vector<CitationMatch> CitationIndex::match_answer(std::string_view answer, const QuoteOptions& quote_options,
                                                       const MatchOptions& options) const {
    std::vector<CitationMatch> out;
    for (const Quote& q : find_quotes(answer, quote_options)) out.push_back(match(q, options));
    return out;
}

}  // namespace farsight::ingest
