// Pre-tokenizers; see pre_tokenizers.h. Reference: huggingface/tokenizers tokenizers/src/pre_tokenizers/,
// tokenizer/pattern.rs (find_matches) and tokenizer/normalizer.rs (split behaviours).
#include "tokenizer/pre_tokenizers.h"

#include <algorithm>
#include <optional>

#include "tokenizer/byte_level.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

enum class Behavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

struct Seg {
    uint32_t begin, end;
    bool flag;  // is_match on input, remove on output
};

Result<Behavior> parse_behavior(const Json& j, Behavior fallback, std::string_view where) {
    const Json* v = json_find(j, "behavior");
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_string()) return json_error(where, "'behavior' must be a string");
    const std::string s = v->get<std::string>();
    if (s == "Removed") return Behavior::removed;
    if (s == "Isolated") return Behavior::isolated;
    if (s == "MergedWithPrevious") return Behavior::merged_with_previous;
    if (s == "MergedWithNext") return Behavior::merged_with_next;
    if (s == "Contiguous") return Behavior::contiguous;
    return Status(ErrorCode::unsupported, std::string(where) + ": split behavior '" + s + "' is not supported");
}

// Pattern::find_matches for a regex: matches and the gaps between them, covering the whole piece.
void regex_segments(const std::vector<Match>& matches, uint32_t len, std::vector<Seg>& segs) {
    segs.clear();
    uint32_t prev = 0;
    for (const Match& m : matches) {
        if (prev != m.begin) segs.push_back({prev, m.begin, false});
        segs.push_back({m.begin, m.end, true});
        prev = m.end;
    }
    if (prev != len) segs.push_back({prev, len, false});
}

// Pattern::find_matches for a character predicate: every matching character is its own match.
template <class Pred>
void char_segments(std::string_view s, Pred pred, std::vector<Seg>& segs) {
    segs.clear();
    uint32_t last = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<uint32_t>(i);
        const char32_t c = next_cp(s, i);
        if (pred(c)) {
            if (last < b) segs.push_back({last, b, false});
            segs.push_back({b, static_cast<uint32_t>(i), true});
            last = static_cast<uint32_t>(i);
        }
    }
    if (s.size() > last) segs.push_back({last, static_cast<uint32_t>(s.size()), false});
}

// NormalizedString::split: turns (range, is_match) into (range, remove) following the behaviour.
void apply_behavior(const std::vector<Seg>& in, Behavior behavior, std::vector<Seg>& out) {
    out.clear();
    bool prev_match = false;
    switch (behavior) {
    case Behavior::isolated:
        for (const Seg& s : in) out.push_back({s.begin, s.end, false});
        break;
    case Behavior::removed:
        out = in;
        break;
    case Behavior::contiguous:
        for (const Seg& s : in) {
            if (s.flag == prev_match && !out.empty()) out.back().end = s.end;
            else out.push_back({s.begin, s.end, false});
            prev_match = s.flag;
        }
        break;
    case Behavior::merged_with_previous:
        for (const Seg& s : in) {
            if (s.flag && !prev_match && !out.empty()) out.back().end = s.end;
            else out.push_back({s.begin, s.end, false});
            prev_match = s.flag;
        }
        break;
    case Behavior::merged_with_next:
        for (auto it = in.rbegin(); it != in.rend(); ++it) {
            if (it->flag && !prev_match && !out.empty()) out.back().begin = it->begin;
            else out.push_back({it->begin, it->end, false});
            prev_match = it->flag;
        }
        std::reverse(out.begin(), out.end());
        break;
    }
}

// Splits every piece with `find` (fills Seg lists in piece-relative offsets) and a behaviour.
template <class Find>
Status split_pieces(PreTokens& pt, Behavior behavior, bool invert, Find&& find) {
    thread_local std::vector<Seg> segs, kept;
    pt.next_pieces.clear();
    for (const Piece& p : pt.pieces) {
        FS_RETURN_IF_ERROR(find(pt.view(p), segs));
        if (invert)
            for (Seg& s : segs) s.flag = !s.flag;
        apply_behavior(segs, behavior, kept);
        for (const Seg& s : kept) {
            if (s.flag || s.begin == s.end) continue;
            pt.next_pieces.push_back({p.begin + s.begin, p.begin + s.end, p.at_start && s.begin == 0});
        }
    }
    pt.pieces.swap(pt.next_pieces);
    return {};
}

Status split_with_regex(PreTokens& pt, const Regex& re, Behavior behavior, bool invert) {
    thread_local std::vector<Match> matches;
    return split_pieces(pt, behavior, invert, [&](std::string_view s, std::vector<Seg>& segs) -> Status {
        matches.clear();
        FS_RETURN_IF_ERROR(re.find_all(s, matches));
        regex_segments(matches, static_cast<uint32_t>(s.size()), segs);
        return {};
    });
}

template <class Pred>
Status split_with_pred(PreTokens& pt, Pred pred, Behavior behavior) {
    return split_pieces(pt, behavior, false, [&](std::string_view s, std::vector<Seg>& segs) -> Status {
        char_segments(s, pred, segs);
        return {};
    });
}

class ByteLevelPre final : public PreTokenizer {
public:
    ByteLevelPre(bool add_prefix_space, std::optional<Regex> re)
        : m_add_prefix_space(add_prefix_space), m_re(std::move(re)) {}
    Status apply(PreTokens& pt) const override {
        if (m_add_prefix_space) {
            pt.begin_transform();
            for (const Piece& p : pt.pieces) {
                const auto b = static_cast<uint32_t>(pt.next.size());
                const std::string_view v = pt.view(p);
                if (v.empty() || v[0] != ' ') pt.next.push_back(' ');
                pt.next.append(v);
                pt.next_pieces.push_back({b, static_cast<uint32_t>(pt.next.size()), p.at_start});
            }
            pt.commit_transform();
        }
        if (m_re) FS_RETURN_IF_ERROR(split_with_regex(pt, *m_re, Behavior::isolated, false));
        pt.begin_transform();
        for (const Piece& p : pt.pieces) {
            const auto b = static_cast<uint32_t>(pt.next.size());
            byte_level_encode(pt.view(p), pt.next);
            pt.next_pieces.push_back({b, static_cast<uint32_t>(pt.next.size()), p.at_start});
        }
        pt.commit_transform();
        return {};
    }

private:
    bool m_add_prefix_space;
    std::optional<Regex> m_re;
};

class SplitPre final : public PreTokenizer {
public:
    SplitPre(Regex re, Behavior behavior, bool invert) : m_re(std::move(re)), m_behavior(behavior), m_invert(invert) {}
    Status apply(PreTokens& pt) const override { return split_with_regex(pt, m_re, m_behavior, m_invert); }

private:
    Regex m_re;
    Behavior m_behavior;
    bool m_invert;
};

class DigitsPre final : public PreTokenizer {
public:
    explicit DigitsPre(bool individual) : m_individual(individual) {}
    Status apply(PreTokens& pt) const override {
        return split_with_pred(pt, is_numeric, m_individual ? Behavior::isolated : Behavior::contiguous);
    }

private:
    bool m_individual;
};

class PunctuationPre final : public PreTokenizer {
public:
    explicit PunctuationPre(Behavior behavior) : m_behavior(behavior) {}
    Status apply(PreTokens& pt) const override { return split_with_pred(pt, is_punctuation, m_behavior); }

private:
    Behavior m_behavior;
};

class WhitespacePre final : public PreTokenizer {
public:
    explicit WhitespacePre(Regex re) : m_re(std::move(re)) {}
    Status apply(PreTokens& pt) const override { return split_with_regex(pt, m_re, Behavior::removed, true); }

private:
    Regex m_re;
};

class CharSplitPre final : public PreTokenizer {
public:
    explicit CharSplitPre(std::optional<char32_t> delimiter) : m_delimiter(delimiter) {}
    Status apply(PreTokens& pt) const override {
        if (m_delimiter) {
            const char32_t d = *m_delimiter;
            return split_with_pred(pt, [d](char32_t c) { return c == d; }, Behavior::removed);
        }
        return split_with_pred(pt, is_white_space, Behavior::removed);
    }

private:
    std::optional<char32_t> m_delimiter;  // none: WhitespaceSplit
};

enum class PrependScheme { always, never, first };

class MetaspacePre final : public PreTokenizer {
public:
    MetaspacePre(char32_t replacement, PrependScheme scheme, bool split)
        : m_replacement(replacement), m_scheme(scheme), m_split(split) {
        append_utf8(m_rep, replacement);
    }
    Status apply(PreTokens& pt) const override {
        pt.begin_transform();
        for (const Piece& p : pt.pieces) {
            const auto b = static_cast<uint32_t>(pt.next.size());
            const std::string_view v = pt.view(p);
            const bool starts_with_rep = v.substr(0, m_rep.size()) == m_rep ||
                                         (!v.empty() && v[0] == ' ');  // ' ' becomes the replacement
            const bool prepend = m_scheme == PrependScheme::always || (m_scheme == PrependScheme::first && p.at_start);
            if (prepend && !starts_with_rep) pt.next += m_rep;
            for (const char ch : v) {
                if (ch == ' ') pt.next += m_rep;
                else pt.next.push_back(ch);
            }
            pt.next_pieces.push_back({b, static_cast<uint32_t>(pt.next.size()), p.at_start});
        }
        pt.commit_transform();
        if (!m_split) return {};
        const char32_t r = m_replacement;
        return split_with_pred(pt, [r](char32_t c) { return c == r; }, Behavior::merged_with_next);
    }

private:
    char32_t m_replacement;
    std::string m_rep;
    PrependScheme m_scheme;
    bool m_split;
};

class SequencePre final : public PreTokenizer {
public:
    explicit SequencePre(std::vector<std::unique_ptr<PreTokenizer>> parts) : m_parts(std::move(parts)) {}
    Status apply(PreTokens& pt) const override {
        for (const auto& p : m_parts) FS_RETURN_IF_ERROR(p->apply(pt));
        return {};
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_parts;
};

Result<char32_t> single_char(const Json& j, const char* key, std::string_view where) {
    FS_ASSIGN_OR_RETURN(std::string s, json_string(j, key, where));
    if (s.empty() || !is_valid_utf8(s)) return json_error(where, std::string("'") + key + "' must be one character");
    std::size_t i = 0;
    const char32_t c = next_cp(s, i);
    if (i != s.size()) return json_error(where, std::string("'") + key + "' must be one character");
    return c;
}

}  // namespace

Result<std::unique_ptr<PreTokenizer>> make_pre_tokenizer(const Json& j) {
    using Ptr = std::unique_ptr<PreTokenizer>;
    const std::string type = json_type_name(j);
    const std::string where = "pre_tokenizer " + type;
    if (type == "ByteLevel") {
        FS_ASSIGN_OR_RETURN(bool add_prefix_space, json_bool(j, "add_prefix_space", true, where));
        FS_ASSIGN_OR_RETURN(bool use_regex, json_bool(j, "use_regex", true, where));
        std::optional<Regex> re;
        if (use_regex) {
            FS_ASSIGN_OR_RETURN(Regex r, Regex::compile(kGpt2Pattern));
            re = std::move(r);
        }
        return Ptr(new ByteLevelPre(add_prefix_space, std::move(re)));
    }
    if (type == "Split") {
        const Json* pattern = json_find(j, "pattern");
        if (pattern == nullptr) return json_error(where, "missing 'pattern'");
        FS_ASSIGN_OR_RETURN(Regex re, make_pattern(*pattern, where));
        FS_ASSIGN_OR_RETURN(Behavior behavior, parse_behavior(j, Behavior::removed, where));
        if (json_find(j, "behavior") == nullptr) return json_error(where, "missing 'behavior'");
        FS_ASSIGN_OR_RETURN(bool invert, json_bool(j, "invert", false, where));
        return Ptr(new SplitPre(std::move(re), behavior, invert));
    }
    if (type == "Digits") {
        FS_ASSIGN_OR_RETURN(bool individual, json_bool(j, "individual_digits", false, where));
        return Ptr(new DigitsPre(individual));
    }
    if (type == "Punctuation") {
        FS_ASSIGN_OR_RETURN(Behavior behavior, parse_behavior(j, Behavior::isolated, where));
        return Ptr(new PunctuationPre(behavior));
    }
    if (type == "Whitespace") {
        // HF builds this one with the Rust regex crate: \w is UTS#18 Word (Join_Control included, none of
        // onig's Latin-1 extras) and \s is White_Space.
        constexpr std::string_view kRustWord = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
        constexpr std::string_view kRustSpace =
            "\\t-\\r\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
        const std::string pattern = "[" + std::string(kRustWord) + "]+|[^" + std::string(kRustWord) +
                                    std::string(kRustSpace) + "]+";
        FS_ASSIGN_OR_RETURN(Regex re, Regex::compile_pcre2(pattern));
        return Ptr(new WhitespacePre(std::move(re)));
    }
    if (type == "WhitespaceSplit") return Ptr(new CharSplitPre(std::nullopt));
    if (type == "CharDelimiterSplit") {
        FS_ASSIGN_OR_RETURN(char32_t d, single_char(j, "delimiter", where));
        return Ptr(new CharSplitPre(d));
    }
    if (type == "Metaspace") {
        FS_ASSIGN_OR_RETURN(char32_t replacement, single_char(j, "replacement", where));
        PrependScheme scheme = PrependScheme::always;
        bool present = false;
        FS_ASSIGN_OR_RETURN(std::string s, json_opt_string(j, "prepend_scheme", present, where));
        if (present) {
            if (s == "always") scheme = PrependScheme::always;
            else if (s == "never") scheme = PrependScheme::never;
            else if (s == "first") scheme = PrependScheme::first;
            else return json_error(where, "unknown prepend_scheme '" + s + "'");
        } else {
            // Files written before prepend_scheme existed carry add_prefix_space instead.
            FS_ASSIGN_OR_RETURN(bool add, json_bool(j, "add_prefix_space", true, where));
            scheme = add ? PrependScheme::always : PrependScheme::never;
        }
        FS_ASSIGN_OR_RETURN(bool split, json_bool(j, "split", true, where));
        return Ptr(new MetaspacePre(replacement, scheme, split));
    }
    if (type == "Sequence") {
        const Json* list = json_find(j, "pretokenizers");
        if (list == nullptr || !list->is_array()) return json_error(where, "'pretokenizers' must be a list");
        std::vector<Ptr> parts;
        for (const Json& item : *list) {
            FS_ASSIGN_OR_RETURN(Ptr part, make_pre_tokenizer(item));
            parts.push_back(std::move(part));
        }
        return Ptr(new SequencePre(std::move(parts)));
    }
    return Status(ErrorCode::unsupported,
                  "tokenizer.json pre_tokenizer type '" + (type.empty() ? std::string("<missing>") : type) +
                      "' is not supported");
}

}  // namespace farsight::tok
