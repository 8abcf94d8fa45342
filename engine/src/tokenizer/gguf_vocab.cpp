// GGUF vocabulary → tokenizer.json. Regexes: llama.cpp src/llama-vocab.cpp (llm_tokenizer_bpe);
// SentencePiece conversion: transformers integrations/ggml.py (GGUFTokenizerSkeleton merges from
// scores, GGUFLlamaConverter normalizer/decoder).
#include "tokenizer/gguf_vocab.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace farsight {
namespace {

// Plain (sorted-key) json: ordered_json's linear key lookup is quadratic over a 150k-entry vocab.
using ojson = nlohmann::json;

constexpr const char* kGpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
constexpr const char* kLlama3 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kQwen2 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kTekken =
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}"
    "\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)";

// Byte length of the UTF-8 sequence starting with b (1 for invalid lead bytes).
size_t utf8_len(unsigned char b) {
    if (b < 0x80) return 1;
    if ((b >> 5) == 0x6) return 2;
    if ((b >> 4) == 0xe) return 3;
    if ((b >> 3) == 0x1e) return 4;
    return 1;
}

ojson added_token(int64_t id, const std::string& content, bool special) {
    return ojson{{"id", id},          {"content", content}, {"single_word", false}, {"lstrip", false},
                 {"rstrip", false},   {"normalized", false}, {"special", special}};
}

// transformers' GGUFTokenizerSkeleton: merges of every split of every token whose halves are tokens,
// ordered by the merged token's score (desc), ties by the halves' scores (desc).
std::vector<std::string> merges_from_scores(const GgufVocab& v) {
    std::unordered_map<std::string, double> score;
    for (size_t i = 0; i < v.tokens.size(); ++i) score[v.tokens[i]] = v.scores[i];
    struct Merge {
        std::string l, r;
        double s;
    };
    std::vector<Merge> all;
    // Python dict order: first insertion of each key, value of the last one.
    std::unordered_set<std::string> seen;
    for (const std::string& tok : v.tokens) {
        if (!seen.insert(tok).second) continue;
        std::vector<Merge> local;
        for (size_t i = utf8_len(static_cast<unsigned char>(tok[0])); i < tok.size(); i += utf8_len(static_cast<unsigned char>(tok[i]))) {
            std::string l = tok.substr(0, i), r = tok.substr(i);
            if (score.count(l) && score.count(r)) local.push_back({std::move(l), std::move(r), score[tok]});
        }
        std::stable_sort(local.begin(), local.end(), [&](const Merge& a, const Merge& b) {
            const double al = score[a.l], bl = score[b.l];
            if (al != bl) return al > bl;
            return score[a.r] > score[b.r];
        });
        for (Merge& m : local) all.push_back(std::move(m));
    }
    std::stable_sort(all.begin(), all.end(), [](const Merge& a, const Merge& b) { return a.s > b.s; });
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const Merge& m : all) out.push_back(m.l + " " + m.r);
    return out;
}

}  // namespace

std::vector<std::string> gguf_pre_tokenizer_regexes(const std::string& pre) {
    if (pre == "llama3" || pre == "llama-v3" || pre == "llama-bpe" || pre == "falcon3" || pre == "pixtral") return {kLlama3};
    if (pre == "qwen2" || pre == "deepseek-r1-qwen" || pre == "megrez") return {kQwen2};
    if (pre == "gpt-2" || pre == "phi-2" || pre == "jina-es" || pre == "jina-de" || pre == "gigachat" || pre == "roberta-bpe")
        return {kGpt2};
    if (pre == "smollm" || pre == "starcoder" || pre == "refact" || pre == "command-r" || pre == "codeshell" ||
        pre == "exaone" || pre == "minerva-7b")
        return {"\\p{N}", kGpt2};
    if (pre == "tekken") return {kTekken};
    if (pre.empty() || pre == "default")  // llama.cpp's fallback list
        return {"[\\p{P}\\$\\+<=>\\^~\\|]+", kGpt2, "\\p{N}+", "[0-9][0-9][0-9]"};
    return {};
}

Result<std::string> gguf_vocab_to_tokenizer_json(const GgufVocab& v) {
    const size_t n = v.tokens.size();
    if (n == 0) return Status(ErrorCode::bad_config, "GGUF tokenizer: tokenizer.ggml.tokens is empty");
    if (!v.token_types.empty() && v.token_types.size() != n)
        return Status(ErrorCode::bad_config, "GGUF tokenizer: token_type has " + std::to_string(v.token_types.size()) +
                                                 " entries for " + std::to_string(n) + " tokens");
    auto valid = [&](const std::optional<int64_t>& id) { return !id || (*id >= 0 && static_cast<size_t>(*id) < n); };
    if (!valid(v.bos_id) || !valid(v.eos_id) || !valid(v.unk_id))
        return Status(ErrorCode::bad_config, "GGUF tokenizer: a special token id is outside the vocabulary");

    ojson vocab = ojson::object();
    auto& vocab_map = vocab.get_ref<ojson::object_t&>();
    for (size_t i = 0; i < n; ++i) vocab_map.emplace(v.tokens[i], static_cast<int64_t>(i));  // first id wins, as HF
    ojson added = ojson::array();
    for (size_t i = 0; i < v.token_types.size(); ++i) {
        const int64_t t = v.token_types[i];
        if (t == 3) added.push_back(added_token(static_cast<int64_t>(i), v.tokens[i], true));        // control
        else if (t == 4) added.push_back(added_token(static_cast<int64_t>(i), v.tokens[i], false));  // user-defined
    }
    ojson doc = {{"version", "1.0"}, {"truncation", nullptr}, {"padding", nullptr}, {"added_tokens", added}};

    if (v.model == "gpt2") {
        const std::vector<std::string> regexes = gguf_pre_tokenizer_regexes(v.pre);
        if (regexes.empty())
            return Status(ErrorCode::unsupported, "GGUF tokenizer: pre-tokenizer '" + v.pre + "' is not supported");
        ojson pres = ojson::array();
        for (const std::string& r : regexes)
            pres.push_back({{"type", "Split"}, {"pattern", {{"Regex", r}}}, {"behavior", "Isolated"}, {"invert", false}});
        pres.push_back({{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}});
        doc["normalizer"] = nullptr;
        doc["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", pres}};
        doc["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
        const bool ignore_merges = v.pre == "llama3" || v.pre == "llama-v3" || v.pre == "llama-bpe" || v.pre == "falcon3";
        doc["model"] = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
                        {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false},
                        {"ignore_merges", ignore_merges}, {"vocab", vocab}, {"merges", v.merges}};
    } else if (v.model == "llama") {
        if (v.scores.size() != n)
            return Status(ErrorCode::bad_config, "GGUF tokenizer: SentencePiece vocabulary needs one score per token");
        ojson norm = ojson::array();
        if (v.add_space_prefix) norm.push_back({{"type", "Prepend"}, {"prepend", "\xe2\x96\x81"}});
        norm.push_back({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\xe2\x96\x81"}});
        doc["normalizer"] = {{"type", "Sequence"}, {"normalizers", norm}};
        doc["pre_tokenizer"] = nullptr;
        ojson dec = ojson::array({{{"type", "Replace"}, {"pattern", {{"String", "\xe2\x96\x81"}}}, {"content", " "}},
                                  {{"type", "ByteFallback"}},
                                  {{"type", "Fuse"}}});
        if (v.add_space_prefix) dec.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
        doc["decoder"] = {{"type", "Sequence"}, {"decoders", dec}};
        const std::string unk = v.unk_id ? v.tokens[static_cast<size_t>(*v.unk_id)] : std::string("<unk>");
        doc["model"] = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", unk}, {"continuing_subword_prefix", nullptr},
                        {"end_of_word_suffix", nullptr}, {"fuse_unk", true}, {"byte_fallback", true},
                        {"ignore_merges", false}, {"vocab", vocab}, {"merges", merges_from_scores(v)}};
    } else {
        return Status(ErrorCode::unsupported, "GGUF tokenizer model '" + v.model + "' is not supported (gpt2, llama)");
    }
    if (v.add_bos && v.bos_id) {
        const std::string bos = v.tokens[static_cast<size_t>(*v.bos_id)];
        doc["post_processor"] = {
            {"type", "TemplateProcessing"},
            {"single", ojson::array({{{"SpecialToken", {{"id", bos}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
            {"pair", ojson::array({{{"SpecialToken", {{"id", bos}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                   {{"SpecialToken", {{"id", bos}, {"type_id", 1}}}}, {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}})},
            {"special_tokens", {{bos, {{"id", bos}, {"ids", {*v.bos_id}}, {"tokens", {bos}}}}}}};
    } else {
        doc["post_processor"] = nullptr;
    }
    try {
        return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
        return Status(ErrorCode::bad_config, std::string("GGUF tokenizer: ") + e.what());
    }
}

}  // namespace farsight
