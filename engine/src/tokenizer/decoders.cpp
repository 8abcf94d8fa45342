// Decoders; see decoders.h. Reference: huggingface/tokenizers tokenizers/src/decoders/ and
// pre_tokenizers/{byte_level,metaspace}.rs (their Decoder impls).
#include "tokenizer/decoders.h"

#include "tokenizer/byte_level.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    if (from.empty()) return;
    std::string out;
    std::size_t last = 0, pos;
    bool any = false;
    while ((pos = s.find(from, last)) != std::string::npos) {
        out.append(s, last, pos - last);
        out += to;
        last = pos + from.size();
        any = true;
    }
    if (!any) return;
    out.append(s, last, std::string::npos);
    s.swap(out);
}

class ByteLevelDecoder final : public Decoder {
public:
    Status decode_chain(std::vector<std::string>& tokens) const override {
        std::string bytes;
        for (const std::string& t : tokens) {
            if (!byte_level_decode(t, bytes)) bytes += t;
        }
        std::string text;
        append_utf8_lossy(text, bytes);
        tokens.assign(1, std::move(text));
        return {};
    }
};

class MetaspaceDecoder final : public Decoder {
public:
    MetaspaceDecoder(std::string rep, bool strip_first) : m_rep(std::move(rep)), m_strip_first(strip_first) {}
    Status decode_chain(std::vector<std::string>& tokens) const override {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            // HF drops every replacement character of the first token, not only a leading one.
            replace_all(tokens[i], m_rep, i == 0 && m_strip_first ? "" : " ");
        }
        return {};
    }

private:
    std::string m_rep;
    bool m_strip_first;
};

class ReplaceDecoder final : public Decoder {
public:
    ReplaceDecoder(Regex re, std::string content) : m_re(std::move(re)), m_content(std::move(content)) {}
    Status decode_chain(std::vector<std::string>& tokens) const override {
        std::vector<Match> matches;
        for (std::string& t : tokens) {
            matches.clear();
            FS_RETURN_IF_ERROR(m_re.find_all(t, matches));
            if (matches.empty()) continue;
            std::string out;
            std::size_t last = 0;
            for (const Match& m : matches) {
                out.append(t, last, m.begin - last);
                out += m_content;
                last = m.end;
            }
            out.append(t, last, std::string::npos);
            t.swap(out);
        }
        return {};
    }

private:
    Regex m_re;
    std::string m_content;
};

class StripDecoder final : public Decoder {
public:
    StripDecoder(char32_t content, std::size_t start, std::size_t stop) : m_content(content), m_start(start), m_stop(stop) {}
    Status decode_chain(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            std::size_t b = 0, n_start = 0;
            while (n_start < m_start && b < t.size()) {
                std::size_t i = b;
                if (next_cp(t, i) != m_content) break;
                b = i;
                ++n_start;
            }
            std::size_t e = t.size(), n_stop = 0;
            while (n_stop < m_stop && e > b) {
                std::size_t s = e - 1;
                while (s > 0 && (static_cast<unsigned char>(t[s]) & 0xC0) == 0x80) --s;
                std::size_t i = s;
                if (next_cp(t, i) != m_content) break;
                e = s;
                ++n_stop;
            }
            t = t.substr(b, e - b);
        }
        return {};
    }

private:
    char32_t m_content;
    std::size_t m_start, m_stop;
};

class FuseDecoder final : public Decoder {
public:
    Status decode_chain(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens.assign(1, std::move(all));
        return {};
    }
};

class ByteFallbackDecoder final : public Decoder {
public:
    Status decode_chain(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string pending;  // consecutive <0xXX> bytes
        std::size_t n_pending = 0;
        auto flush = [&] {
            if (n_pending == 0) return;
            if (is_valid_utf8(pending)) {
                out.push_back(pending);
            } else {
                // Invalid as a whole: one U+FFFD per byte token, as HF does.
                for (std::size_t k = 0; k < n_pending; ++k) out.emplace_back("\xEF\xBF\xBD");
            }
            pending.clear();
            n_pending = 0;
        };
        for (std::string& t : tokens) {
            int byte = -1;
            if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') byte = parse_hex_byte(t[3], t[4]);
            if (byte >= 0) {
                pending.push_back(static_cast<char>(byte));
                ++n_pending;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens.swap(out);
        return {};
    }

private:
    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    static int parse_hex_byte(char a, char b) {
        const int h = hex(a), l = hex(b);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }
};

class BpeSuffixDecoder final : public Decoder {
public:
    explicit BpeSuffixDecoder(std::string suffix) : m_suffix(std::move(suffix)) {}
    Status decode_chain(std::vector<std::string>& tokens) const override {
        for (std::size_t i = 0; i < tokens.size(); ++i)
            replace_all(tokens[i], m_suffix, i + 1 == tokens.size() ? "" : " ");
        return {};
    }

private:
    std::string m_suffix;
};

class WordPieceDecoder final : public Decoder {
public:
    WordPieceDecoder(std::string prefix, bool cleanup) : m_prefix(std::move(prefix)), m_cleanup(cleanup) {}
    Status decode_chain(std::vector<std::string>& tokens) const override {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            std::string& t = tokens[i];
            if (i != 0) {
                if (!m_prefix.empty() && t.compare(0, m_prefix.size(), m_prefix) == 0) {
                    t.erase(0, m_prefix.size());
                } else if (m_prefix.empty()) {
                    // HF's replacen("", "", 1) removes nothing: the token still starts with the empty prefix.
                } else {
                    t.insert(0, " ");
                }
            }
            if (m_cleanup) {
                // decoders/wordpiece.rs cleanup(), in its order.
                replace_all(t, " .", ".");
                replace_all(t, " ?", "?");
                replace_all(t, " !", "!");
                replace_all(t, " ,", ",");
                replace_all(t, " ' ", "'");
                replace_all(t, " n't", "n't");
                replace_all(t, " 'm", "'m");
                replace_all(t, " do not", " don't");
                replace_all(t, " 's", "'s");
                replace_all(t, " 've", "'ve");
                replace_all(t, " 're", "'re");
            }
        }
        return {};
    }

private:
    std::string m_prefix;
    bool m_cleanup;
};

class SequenceDecoder final : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : m_parts(std::move(parts)) {}
    Status decode_chain(std::vector<std::string>& tokens) const override {
        for (const auto& p : m_parts) FS_RETURN_IF_ERROR(p->decode_chain(tokens));
        return {};
    }

private:
    std::vector<std::unique_ptr<Decoder>> m_parts;
};

Result<char32_t> one_char(const std::string& s, std::string_view where, const char* key) {
    std::size_t i = 0;
    if (s.empty() || !is_valid_utf8(s)) return json_error(where, std::string("'") + key + "' must be one character");
    const char32_t c = next_cp(s, i);
    if (i != s.size()) return json_error(where, std::string("'") + key + "' must be one character");
    return c;
}

Result<std::size_t> json_count(const Json& j, const char* key, std::string_view where) {
    FS_ASSIGN_OR_RETURN(int64_t v, json_int(j, key, where));
    if (v < 0) return json_error(where, std::string("'") + key + "' must not be negative");
    return static_cast<std::size_t>(v);
}

}  // namespace

Result<std::unique_ptr<Decoder>> make_decoder(const Json& j) {
    using Ptr = std::unique_ptr<Decoder>;
    const std::string type = json_type_name(j);
    const std::string where = "decoder " + type;
    if (type == "ByteLevel") return Ptr(new ByteLevelDecoder());
    if (type == "Fuse") return Ptr(new FuseDecoder());
    if (type == "ByteFallback") return Ptr(new ByteFallbackDecoder());
    if (type == "Metaspace") {
        FS_ASSIGN_OR_RETURN(std::string rep, json_string(j, "replacement", where));
        if (auto c = one_char(rep, where, "replacement"); !c.ok()) return c.status();
        bool present = false;
        FS_ASSIGN_OR_RETURN(std::string scheme, json_opt_string(j, "prepend_scheme", present, where));
        bool strip_first = true;
        if (present) {
            if (scheme != "always" && scheme != "never" && scheme != "first")
                return json_error(where, "unknown prepend_scheme '" + scheme + "'");
            strip_first = scheme != "never";
        } else {
            FS_ASSIGN_OR_RETURN(strip_first, json_bool(j, "add_prefix_space", true, where));
        }
        return Ptr(new MetaspaceDecoder(std::move(rep), strip_first));
    }
    if (type == "Replace") {
        const Json* pattern = json_find(j, "pattern");
        if (pattern == nullptr) return json_error(where, "missing 'pattern'");
        FS_ASSIGN_OR_RETURN(Regex re, make_pattern(*pattern, where));
        FS_ASSIGN_OR_RETURN(std::string content, json_string(j, "content", where));
        return Ptr(new ReplaceDecoder(std::move(re), std::move(content)));
    }
    if (type == "Strip") {
        FS_ASSIGN_OR_RETURN(std::string content, json_string(j, "content", where));
        FS_ASSIGN_OR_RETURN(char32_t c, one_char(content, where, "content"));
        FS_ASSIGN_OR_RETURN(std::size_t start, json_count(j, "start", where));
        FS_ASSIGN_OR_RETURN(std::size_t stop, json_count(j, "stop", where));
        return Ptr(new StripDecoder(c, start, stop));
    }
    if (type == "BPEDecoder") {
        bool present = false;
        FS_ASSIGN_OR_RETURN(std::string suffix, json_opt_string(j, "suffix", present, where));
        return Ptr(new BpeSuffixDecoder(present ? suffix : std::string("</w>")));
    }
    if (type == "WordPiece") {
        bool present = false;
        FS_ASSIGN_OR_RETURN(std::string prefix, json_opt_string(j, "prefix", present, where));
        FS_ASSIGN_OR_RETURN(bool cleanup, json_bool(j, "cleanup", true, where));
        return Ptr(new WordPieceDecoder(present ? prefix : std::string("##"), cleanup));
    }
    if (type == "Sequence") {
        const Json* list = json_find(j, "decoders");
        if (list == nullptr || !list->is_array()) return json_error(where, "'decoders' must be a list");
        std::vector<Ptr> parts;
        for (const Json& item : *list) {
            FS_ASSIGN_OR_RETURN(Ptr part, make_decoder(item));
            parts.push_back(std::move(part));
        }
        return Ptr(new SequenceDecoder(std::move(parts)));
    }
    return Status(ErrorCode::unsupported, "tokenizer.json decoder type '" +
                                              (type.empty() ? std::string("<missing>") : type) + "' is not supported");
}

}  // namespace farsight::tok
