// Normalizers; see normalizers.h. Reference: huggingface/tokenizers tokenizers/src/normalizers/.
#include "tokenizer/normalizers.h"

#include <vector>

#include "tokenizer/byte_level.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

class UnicodeNormalizer final : public Normalizer {
public:
    explicit UnicodeNormalizer(NormalForm form) : m_form(form) {}
    Status apply(std::string& s, std::string& tmp) const override {
        if (!normalize(s, m_form, tmp)) return Status(ErrorCode::internal, "ICU normalization failed");
        s.swap(tmp);
        return {};
    }

private:
    NormalForm m_form;
};

class Lowercase final : public Normalizer {
public:
    Status apply(std::string& s, std::string& tmp) const override {
        to_lowercase(s, tmp);
        s.swap(tmp);
        return {};
    }
};

class Strip final : public Normalizer {
public:
    Strip(bool left, bool right) : m_left(left), m_right(right) {}
    Status apply(std::string& s, std::string&) const override {
        std::size_t b = 0, e = s.size();
        if (m_right) {
            while (e > b) {
                std::size_t start = e - 1;
                while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
                std::size_t i = start;
                if (!is_white_space(next_cp(s, i))) break;
                e = start;
            }
        }
        if (m_left) {
            while (b < e) {
                std::size_t i = b;
                if (!is_white_space(next_cp(s, i))) break;
                b = i;
            }
        }
        s = s.substr(b, e - b);
        return {};
    }

private:
    bool m_left, m_right;
};

class StripAccents final : public Normalizer {
public:
    Status apply(std::string& s, std::string& tmp) const override {
        tmp.clear();
        std::size_t i = 0;
        while (i < s.size()) {
            const std::size_t start = i;
            if (!is_nonspacing_mark(next_cp(s, i))) tmp.append(s, start, i - start);
        }
        s.swap(tmp);
        return {};
    }
};

class Replace final : public Normalizer {
public:
    Replace(Regex re, std::string content) : m_re(std::move(re)), m_content(std::move(content)) {}
    Status apply(std::string& s, std::string& tmp) const override {
        thread_local std::vector<Match> matches;
        matches.clear();
        FS_RETURN_IF_ERROR(m_re.find_all(s, matches));
        if (matches.empty()) return {};
        tmp.clear();
        std::size_t last = 0;
        for (const Match& m : matches) {
            tmp.append(s, last, m.begin - last);
            tmp += m_content;
            last = m.end;
        }
        tmp.append(s, last, std::string::npos);
        s.swap(tmp);
        return {};
    }

private:
    Regex m_re;
    std::string m_content;
};

class Prepend final : public Normalizer {
public:
    explicit Prepend(std::string prefix) : m_prefix(std::move(prefix)) {}
    Status apply(std::string& s, std::string&) const override {
        if (!s.empty()) s.insert(0, m_prefix);
        return {};
    }

private:
    std::string m_prefix;
};

class ByteLevelNormalizer final : public Normalizer {
public:
    Status apply(std::string& s, std::string& tmp) const override {
        tmp.clear();
        byte_level_encode(s, tmp);
        s.swap(tmp);
        return {};
    }
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : m_parts(std::move(parts)) {}
    Status apply(std::string& s, std::string& tmp) const override {
        for (const auto& p : m_parts) FS_RETURN_IF_ERROR(p->apply(s, tmp));
        return {};
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_parts;
};

}  // namespace

Result<Regex> make_pattern(const Json& j, std::string_view where) {
    if (const Json* s = json_find(j, "String"); s != nullptr && s->is_string()) return Regex::literal(s->get<std::string>());
    if (const Json* r = json_find(j, "Regex"); r != nullptr && r->is_string()) return Regex::compile(r->get<std::string>());
    return json_error(where, "'pattern' must be {\"String\": ...} or {\"Regex\": ...}");
}

Result<std::unique_ptr<Normalizer>> make_normalizer(const Json& j) {
    const std::string type = json_type_name(j);
    const std::string where = "normalizer " + type;
    if (type == "NFC") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::nfc));
    if (type == "NFD") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::nfd));
    if (type == "NFKC") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::nfkc));
    if (type == "NFKD") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::nfkd));
    if (type == "Lowercase") return std::unique_ptr<Normalizer>(new Lowercase());
    if (type == "StripAccents") return std::unique_ptr<Normalizer>(new StripAccents());
    if (type == "ByteLevel") return std::unique_ptr<Normalizer>(new ByteLevelNormalizer());
    if (type == "Strip") {
        FS_ASSIGN_OR_RETURN(bool left, json_bool(j, "strip_left", true, where));
        FS_ASSIGN_OR_RETURN(bool right, json_bool(j, "strip_right", true, where));
        return std::unique_ptr<Normalizer>(new Strip(left, right));
    }
    if (type == "Replace") {
        const Json* pattern = json_find(j, "pattern");
        if (pattern == nullptr) return json_error(where, "missing 'pattern'");
        FS_ASSIGN_OR_RETURN(Regex re, make_pattern(*pattern, where));
        FS_ASSIGN_OR_RETURN(std::string content, json_string(j, "content", where));
        return std::unique_ptr<Normalizer>(new Replace(std::move(re), std::move(content)));
    }
    if (type == "Prepend") {
        FS_ASSIGN_OR_RETURN(std::string prefix, json_string(j, "prepend", where));
        return std::unique_ptr<Normalizer>(new Prepend(std::move(prefix)));
    }
    if (type == "Sequence") {
        const Json* list = json_find(j, "normalizers");
        if (list == nullptr || !list->is_array()) return json_error(where, "'normalizers' must be a list");
        std::vector<std::unique_ptr<Normalizer>> parts;
        for (const Json& item : *list) {
            FS_ASSIGN_OR_RETURN(auto part, make_normalizer(item));
            parts.push_back(std::move(part));
        }
        return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(parts)));
    }
    return Status(ErrorCode::unsupported,
                  "tokenizer.json normalizer type '" + (type.empty() ? std::string("<missing>") : type) +
                      "' is not supported");
}

}  // namespace farsight::tok
