// Post-processors; see post_processors.h. Reference: huggingface/tokenizers tokenizers/src/processors/.
#include "tokenizer/post_processors.h"

#include <string>

#include "tokenizer/bpe_model.h"

namespace farsight::tok {
namespace {

// One element of a template: the input sequence, or the ids of a special token.
struct TemplatePiece {
    bool is_sequence;
    std::vector<int32_t> ids;
};

class TemplateProcessor final : public PostProcessor {
public:
    explicit TemplateProcessor(std::vector<TemplatePiece> single) : m_single(std::move(single)) {}
    void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
        if (!add_special_tokens) return;
        std::vector<int32_t> out;
        for (const TemplatePiece& p : m_single) {
            if (p.is_sequence) out.insert(out.end(), ids.begin(), ids.end());
            else out.insert(out.end(), p.ids.begin(), p.ids.end());
        }
        ids.swap(out);
    }

private:
    std::vector<TemplatePiece> m_single;
};

class WrapProcessor final : public PostProcessor {  // Roberta/Bert: [cls] ids [sep]
public:
    WrapProcessor(int32_t cls, int32_t sep) : m_cls(cls), m_sep(sep) {}
    void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
        if (!add_special_tokens) return;
        ids.insert(ids.begin(), m_cls);
        ids.push_back(m_sep);
    }

private:
    int32_t m_cls, m_sep;
};

class NoOpProcessor final : public PostProcessor {
public:
    void process(std::vector<int32_t>&, bool) const override {}
};

class SequenceProcessor final : public PostProcessor {
public:
    explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : m_parts(std::move(parts)) {}
    void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
        for (const auto& p : m_parts) p->process(ids, add_special_tokens);
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> m_parts;
};

Result<int32_t> token_pair_id(const Json& j, const char* key, std::string_view where) {
    const Json* v = json_find(j, key);
    if (v == nullptr || !v->is_array() || v->size() != 2 || !(*v)[0].is_string() || !(*v)[1].is_number_integer())
        return json_error(where, std::string("'") + key + "' must be [token, id]");
    const int64_t id = (*v)[1].get<int64_t>();
    if (id < 0 || id > kMaxTokenId) return json_error(where, std::string("'") + key + "' id is out of range");
    return static_cast<int32_t>(id);
}

Result<std::vector<TemplatePiece>> parse_template(const Json& j, std::string_view where) {
    const Json* single = json_find(j, "single");
    if (single == nullptr || !single->is_array()) return json_error(where, "'single' must be a list");
    const Json* specials = json_find(j, "special_tokens");
    std::vector<TemplatePiece> out;
    for (const Json& item : *single) {
        if (const Json* seq = json_find(item, "Sequence")) {
            FS_ASSIGN_OR_RETURN(std::string id, json_string(*seq, "id", where));
            if (id != "A") return json_error(where, "a single-sequence template can only use sequence A, not " + id);
            out.push_back({true, {}});
            continue;
        }
        const Json* sp = json_find(item, "SpecialToken");
        if (sp == nullptr) return json_error(where, "template pieces must be Sequence or SpecialToken");
        FS_ASSIGN_OR_RETURN(std::string name, json_string(*sp, "id", where));
        const Json* entry = specials != nullptr ? json_find(*specials, name.c_str()) : nullptr;
        const Json* ids = entry != nullptr ? json_find(*entry, "ids") : nullptr;
        if (ids == nullptr || !ids->is_array())
            return json_error(where, "special token '" + name + "' is used but not listed in special_tokens");
        TemplatePiece p{false, {}};
        for (const Json& id : *ids) {
            if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > kMaxTokenId)
                return json_error(where, "special token '" + name + "' has an id out of range");
            p.ids.push_back(static_cast<int32_t>(id.get<int64_t>()));
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

Result<std::unique_ptr<PostProcessor>> make_post_processor(const Json& j) {
    using Ptr = std::unique_ptr<PostProcessor>;
    const std::string type = json_type_name(j);
    const std::string where = "post_processor " + type;
    if (type == "ByteLevel") return Ptr(new NoOpProcessor());  // it only trims offsets
    if (type == "TemplateProcessing") {
        FS_ASSIGN_OR_RETURN(auto single, parse_template(j, where));
        return Ptr(new TemplateProcessor(std::move(single)));
    }
    if (type == "RobertaProcessing" || type == "BertProcessing") {
        FS_ASSIGN_OR_RETURN(int32_t cls, token_pair_id(j, "cls", where));
        FS_ASSIGN_OR_RETURN(int32_t sep, token_pair_id(j, "sep", where));
        return Ptr(new WrapProcessor(cls, sep));
    }
    if (type == "Sequence") {
        const Json* list = json_find(j, "processors");
        if (list == nullptr || !list->is_array()) return json_error(where, "'processors' must be a list");
        std::vector<Ptr> parts;
        for (const Json& item : *list) {
            FS_ASSIGN_OR_RETURN(Ptr part, make_post_processor(item));
            parts.push_back(std::move(part));
        }
        return Ptr(new SequenceProcessor(std::move(parts)));
    }
    return Status(ErrorCode::unsupported, "tokenizer.json post_processor type '" +
                                              (type.empty() ? std::string("<missing>") : type) + "' is not supported");
}

}  // namespace farsight::tok
