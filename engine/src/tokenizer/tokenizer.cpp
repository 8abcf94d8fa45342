// Tokenizer: tokenizer.json loading and the encode/decode pipeline; see tokenizer.h. Reference:
// huggingface/tokenizers tokenizers/src/tokenizer/mod.rs (encode_single_sequence, decode) and
// tokenizer/serialization.rs.
#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <new>

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/decoders.h"
#include "tokenizer/json_util.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/post_processors.h"
#include "tokenizer/pre_tokenizers.h"
#include "tokenizer/unicode.h"

namespace farsight {

using tok::Json;

struct Tokenizer::Impl {
    std::unique_ptr<tok::BpeModel> model;
    std::unique_ptr<tok::Normalizer> normalizer;
    std::unique_ptr<tok::PreTokenizer> pre_tokenizer;
    std::unique_ptr<tok::PostProcessor> post_processor;
    std::unique_ptr<tok::Decoder> decoder;
    tok::AddedVocabulary added;
    int64_t vocab_size = 0;
};

namespace {

constexpr std::size_t kMaxJsonDepth = 128;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;

// nlohmann's parser recurses per nesting level: refuse absurd nesting before it can exhaust the stack.
bool nesting_within(std::string_view s, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if (c == ']' || c == '}') {
            if (depth > 0) --depth;
        }
    }
    return true;
}

// Non-null component of the top-level object, or nullptr when absent/null.
const Json* component(const Json& root, const char* key) {
    const Json* v = tok::json_find(root, key);
    return v == nullptr || v->is_null() ? nullptr : v;
}

Result<std::shared_ptr<Tokenizer::Impl>> build(const Json& root) {
    if (!root.is_object()) return Status(ErrorCode::bad_config, "tokenizer.json: the top level must be an object");
    auto impl = std::make_shared<Tokenizer::Impl>();
    const Json* model = component(root, "model");
    if (model == nullptr || !model->is_object())
        return Status(ErrorCode::bad_config, "tokenizer.json: missing 'model'");
    const std::string type = tok::json_type_name(*model);
    // Files from before the "type" tag existed are recognised by their merges, as HF's untagged fallback does.
    if (type != "BPE" && !(type.empty() && tok::json_find(*model, "merges") != nullptr))
        return Status(ErrorCode::unsupported, "tokenizer.json model type '" +
                                                  (type.empty() ? std::string("<missing>") : type) +
                                                  "' is not supported (only BPE)");
    FS_ASSIGN_OR_RETURN(impl->model, tok::BpeModel::from_json(*model));
    if (const Json* j = component(root, "normalizer")) {
        FS_ASSIGN_OR_RETURN(impl->normalizer, tok::make_normalizer(*j));
    }
    if (const Json* j = component(root, "pre_tokenizer")) {
        FS_ASSIGN_OR_RETURN(impl->pre_tokenizer, tok::make_pre_tokenizer(*j));
    }
    if (const Json* j = component(root, "post_processor")) {
        FS_ASSIGN_OR_RETURN(impl->post_processor, tok::make_post_processor(*j));
    }
    if (const Json* j = component(root, "decoder")) {
        FS_ASSIGN_OR_RETURN(impl->decoder, tok::make_decoder(*j));
    }
    FS_RETURN_IF_ERROR(impl->added.init(component(root, "added_tokens"), impl->normalizer.get(), *impl->model));
    int64_t max_id = impl->model->max_id();
    for (const tok::AddedToken& t : impl->added.tokens()) max_id = std::max<int64_t>(max_id, t.id);
    impl->vocab_size = max_id + 1;
    return impl;
}

struct EncodeScratch {
    std::vector<tok::Segment> raw, norm;
    std::string normalized, tmp;
    tok::PreTokens pre;
};

}  // namespace

Result<Tokenizer> Tokenizer::from_json(std::string_view json) {
    try {
        if (!nesting_within(json, kMaxJsonDepth))
            return Status(ErrorCode::bad_header, "tokenizer.json: nested deeper than " + std::to_string(kMaxJsonDepth));
        const Json root = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
        if (root.is_discarded()) return Status(ErrorCode::bad_header, "tokenizer.json: not valid JSON");
        FS_ASSIGN_OR_RETURN(auto impl, build(root));
        return Tokenizer(std::move(impl));
    } catch (const std::bad_alloc&) {
        return Status(ErrorCode::out_of_memory, "tokenizer.json: out of memory while loading");
    } catch (const std::exception& e) {
        return Status(ErrorCode::bad_config, std::string("tokenizer.json: ") + e.what());
    }
}

Result<Tokenizer> Tokenizer::from_file(const std::filesystem::path& path) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) return Status(ErrorCode::not_found, path.string() + ": " + ec.message());
    if (size > kMaxFileBytes)
        return Status(ErrorCode::limit_exceeded, path.string() + ": " + std::to_string(size) + " bytes is too large");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status(ErrorCode::io_error, path.string() + ": cannot open");
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size) return Status(ErrorCode::io_error, path.string() + ": short read");
    auto t = from_json(text);
    if (!t.ok()) return t.status().with_context(path.string());
    return t;
}

namespace {
// Turns special added-token segments back into text, merging them with their neighbours
// (segments partition the text, so the merged span is exactly the original bytes).
void demote_special(std::vector<tok::Segment>& segs, const tok::AddedVocabulary& added) {
    std::size_t w = 0;
    for (std::size_t r = 0; r < segs.size(); ++r) {
        tok::Segment seg = segs[r];
        if (seg.id >= 0) {
            const tok::AddedToken* t = added.by_id(seg.id);
            if (t && t->special) seg.id = -1;
        }
        if (seg.id < 0 && w > 0 && segs[w - 1].id < 0 && segs[w - 1].end == seg.begin) segs[w - 1].end = seg.end;
        else segs[w++] = seg;
    }
    segs.resize(w);
}
}  // namespace

Result<std::vector<int32_t>> Tokenizer::encode(std::string_view text, bool add_special_tokens, bool parse_special) const {
    const Impl& im = *m_impl;
    std::string repaired;
    if (!tok::is_valid_utf8(text)) {
        tok::append_utf8_lossy(repaired, text);
        text = repaired;
    }
    if (text.size() >= std::numeric_limits<uint32_t>::max() / 2)
        return Status(ErrorCode::limit_exceeded, "text of " + std::to_string(text.size()) + " bytes is too long to encode");
    thread_local EncodeScratch s;
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 8);

    im.added.split_raw(text, s.raw);
    if (!parse_special) demote_special(s.raw, im.added);
    for (const tok::Segment& seg : s.raw) {
        if (seg.id >= 0) {
            ids.push_back(seg.id);
            continue;
        }
        std::string_view piece = text.substr(seg.begin, seg.end - seg.begin);
        if (im.normalizer) {
            s.normalized.assign(piece);
            FS_RETURN_IF_ERROR(im.normalizer->apply(s.normalized, s.tmp));
            piece = s.normalized;
        }
        if (im.added.has_normalized()) {
            im.added.split_normalized(piece, s.norm);
            if (!parse_special) demote_special(s.norm, im.added);
        } else {
            s.norm.clear();
            if (!piece.empty()) s.norm.push_back({0, static_cast<uint32_t>(piece.size()), -1});
        }
        for (const tok::Segment& sub : s.norm) {
            if (sub.id >= 0) {
                ids.push_back(sub.id);
                continue;
            }
            s.pre.reset(piece.substr(sub.begin, sub.end - sub.begin), seg.begin == 0 && sub.begin == 0);
            if (im.pre_tokenizer) FS_RETURN_IF_ERROR(im.pre_tokenizer->apply(s.pre));
            for (const tok::Piece& p : s.pre.pieces) FS_RETURN_IF_ERROR(im.model->tokenize(s.pre.view(p), ids));
        }
    }
    if (im.post_processor) im.post_processor->process(ids, add_special_tokens);
    return ids;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skip_special_tokens) const {
    const Impl& im = *m_impl;
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int32_t id : ids) {
        if (const tok::AddedToken* t = im.added.by_id(id)) {
            if (!(skip_special_tokens && t->special)) tokens.push_back(t->surface);
        } else if (const std::string* s = im.model->id_to_token(id)) {
            tokens.push_back(*s);
        }
    }
    if (im.decoder) {
        // Decoders fail only on a regex backtracking limit; the tokens as they stand are the best answer then.
        (void)im.decoder->decode_chain(tokens);
        std::string out;
        for (const std::string& t : tokens) out += t;
        return out;
    }
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0) out += ' ';
        out += tokens[i];
    }
    return out;
}

int64_t Tokenizer::vocab_size() const { return m_impl->vocab_size; }

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
    if (const tok::AddedToken* t = m_impl->added.by_content(token)) return t->id;
    return m_impl->model->token_to_id(token);
}

std::string Tokenizer::id_to_token(int32_t id) const {
    if (const tok::AddedToken* t = m_impl->added.by_id(id)) return t->surface;
    if (const std::string* s = m_impl->model->id_to_token(id)) return *s;
    return {};
}

bool Tokenizer::is_special(int32_t id) const {
    const tok::AddedToken* t = m_impl->added.by_id(id);
    return t != nullptr && t->special;
}

}  // namespace farsight
