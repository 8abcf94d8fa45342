// plan_budget(): fit check and choices with exact numbers (contract in budget.h).
#include "ingest/budget.h"

#include <algorithm>
#include <numeric>

namespace farsight::ingest {

std::string format_count(int64_t n) {
    const bool negative = n < 0;
    std::string digits = std::to_string(negative ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return negative ? "-" + out : out;
}

namespace {

std::vector<TextRange> merge(std::vector<TextRange> ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const TextRange& a, const TextRange& b) { return a.begin < b.begin; });
    std::vector<TextRange> out;
    for (const TextRange& r : ranges) {
        if (r.empty()) continue;
        if (!out.empty() && r.begin <= out.back().end) out.back().end = std::max(out.back().end, r.end);
        else out.push_back(r);
    }
    return out;
}

void add_file_ranges(std::vector<TextRange>& out, const FileTokens& f, size_t n_segments) {
    for (size_t i = 0; i < n_segments && i < f.segments.size(); ++i) out.push_back(f.segments[i].range);
}

std::string names(const std::vector<FileTokens>& files, const std::vector<int32_t>& which) {
    std::string s;
    for (size_t i = 0; i < which.size(); ++i) {
        if (i) s += i + 1 == which.size() ? " and " : ", ";
        s += files[static_cast<size_t>(which[i])].name;
    }
    return s;
}

}  // namespace

BudgetPlan plan_budget(const BudgetRequest& req) {
    BudgetPlan plan;
    const auto& files = req.files;
    for (const FileTokens& f : files) plan.n_documents += f.n_tokens;
    plan.n_needed = plan.n_documents + req.n_other + req.n_reserve;
    plan.n_available = req.n_ctx;
    plan.fits = plan.n_needed <= req.n_ctx;
    plan.n_over = plan.fits ? 0 : plan.n_needed - req.n_ctx;

    std::string context = "context is " + format_count(req.n_ctx) + " with " + format_count(req.n_reserve) +
                          " reserved for the reply";
    if (req.n_other > 0) context += " and " + format_count(req.n_other) + " used by the conversation";
    plan.summary = "documents need " + format_count(plan.n_documents) + " tokens; " + context;
    if (plan.fits) {
        plan.summary += " (" + format_count(req.n_ctx - plan.n_needed) + " tokens to spare)";
        return plan;
    }
    plan.summary += ": " + format_count(plan.n_over) + " tokens too many";

    const int64_t budget = req.n_ctx - req.n_reserve - req.n_other;   // tokens the documents may use
    std::vector<int32_t> order(files.size());
    std::iota(order.begin(), order.end(), 0);
    // `removed` holds positions in req.files; choices report FileTokens::file (document indices).
    auto all_except = [&](const std::vector<int32_t>& removed) {
        std::vector<TextRange> keep;
        for (int32_t i : order)
            if (std::find(removed.begin(), removed.end(), i) == removed.end())
                add_file_ranges(keep, files[static_cast<size_t>(i)], files[static_cast<size_t>(i)].segments.size());
        return merge(std::move(keep));
    };
    auto file_ids = [&](const std::vector<int32_t>& positions) {
        std::vector<int32_t> ids;
        for (int32_t i : positions) ids.push_back(files[static_cast<size_t>(i)].file);
        return ids;
    };

    if (budget > 0 && files.size() > 1) {
        // Removing one file is enough?
        std::vector<int32_t> singles;
        for (int32_t i : order)
            if (plan.n_documents - files[static_cast<size_t>(i)].n_tokens <= budget) singles.push_back(i);
        std::sort(singles.begin(), singles.end(), [&](int32_t a, int32_t b) {
            return files[static_cast<size_t>(a)].n_tokens < files[static_cast<size_t>(b)].n_tokens;
        });
        for (int32_t i : singles) {
            const FileTokens& f = files[static_cast<size_t>(i)];
            BudgetChoice c;
            c.kind = ChoiceKind::remove_files;
            c.files = {f.file};
            c.n_saved = f.n_tokens;
            c.n_tokens_after = plan.n_documents - f.n_tokens;
            c.keep = all_except({i});
            c.description = "remove " + f.name + " (saves " + format_count(f.n_tokens) + " tokens)";
            plan.choices.push_back(std::move(c));
        }
        if (singles.empty()) {
            // The fewest files: drop the largest first while keeping at least one.
            std::vector<int32_t> by_size = order;
            std::sort(by_size.begin(), by_size.end(), [&](int32_t a, int32_t b) {
                return files[static_cast<size_t>(a)].n_tokens > files[static_cast<size_t>(b)].n_tokens;
            });
            std::vector<int32_t> removed;
            int64_t left = plan.n_documents;
            for (size_t k = 0; k + 1 < by_size.size() && left > budget; ++k) {
                removed.push_back(by_size[k]);
                left -= files[static_cast<size_t>(by_size[k])].n_tokens;
            }
            if (left <= budget) {
                std::sort(removed.begin(), removed.end());
                BudgetChoice c;
                c.kind = ChoiceKind::remove_files;
                c.files = file_ids(removed);
                c.n_saved = plan.n_documents - left;
                c.n_tokens_after = left;
                c.keep = all_except(removed);
                c.description = "remove " + names(files, removed) + " (saves " + format_count(c.n_saved) + " tokens)";
                plan.choices.push_back(std::move(c));
            }
        }
    }

    if (budget > 0) {
        // Keep the beginning of one file, all others whole.
        std::vector<BudgetChoice> prefixes;
        for (int32_t i : order) {
            const FileTokens& f = files[static_cast<size_t>(i)];
            const int64_t room = budget - (plan.n_documents - f.n_tokens);
            if (room <= 0 || f.segments.empty()) continue;
            int64_t kept = 0;
            size_t k = 0;
            while (k < f.segments.size() && kept + f.segments[k].n_tokens <= room) kept += f.segments[k++].n_tokens;
            if (k == 0 || k == f.segments.size()) continue;
            const TokenSegment& last = f.segments[k - 1];
            BudgetChoice c;
            c.kind = ChoiceKind::keep_prefix;
            c.files = {f.file};
            c.n_saved = f.n_tokens - kept;
            c.n_tokens_after = plan.n_documents - c.n_saved;
            for (const FileTokens& g : files) add_file_ranges(c.keep, g, &g == &f ? k : g.segments.size());
            c.keep = merge(std::move(c.keep));
            if (last.page > 0) {
                c.last_page = last.page;
                c.description = "include pages 1\u2013" + std::to_string(last.page) + " of " + f.name + " only";
            } else if (last.last_line > 0) {
                c.last_line = last.last_line;
                c.description = "include lines 1\u2013" + format_count(last.last_line) + " of " + f.name + " only";
            } else {
                c.description = "include the first " + format_count(kept) + " tokens of " + f.name + " only";
            }
            c.description += " (drops " + format_count(c.n_saved) + " tokens)";
            prefixes.push_back(std::move(c));
        }
        // Least lost first; on a tie, cutting the later file (the end of the context) first.
        std::stable_sort(prefixes.begin(), prefixes.end(), [](const BudgetChoice& a, const BudgetChoice& b) {
            if (a.n_saved != b.n_saved) return a.n_saved < b.n_saved;
            return a.files.front() > b.files.front();
        });
        for (BudgetChoice& c : prefixes) plan.choices.push_back(std::move(c));
    }

    BudgetChoice larger;
    larger.kind = ChoiceKind::larger_context;
    larger.n_ctx_needed = plan.n_needed;
    larger.n_tokens_after = plan.n_documents;
    for (const FileTokens& f : files) add_file_ranges(larger.keep, f, f.segments.size());
    larger.keep = merge(std::move(larger.keep));
    larger.description = "use a model (or setting) with a context of at least " + format_count(plan.n_needed) + " tokens";
    plan.choices.push_back(std::move(larger));
    return plan;
}

}  // namespace farsight::ingest
