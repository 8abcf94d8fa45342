// tokenizer.json "added_tokens": tokens matched in the text before the normalizer/pre-tokenizer/model run,
// leftmost-longest like HF's Aho-Corasick matcher, honouring single_word, lstrip, rstrip and normalized.
// Reference: huggingface/tokenizers tokenizers/src/tokenizer/added_vocabulary.rs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "farsight/engine/status.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/json_util.h"
#include "tokenizer/normalizers.h"

namespace farsight::tok {

struct AddedToken {
    std::string content;
    // What the matcher looks for and what id_to_token/decode give back: `content` run through the
    // normalizer when `normalized` (HF keeps the normalized form for those), else `content`.
    std::string surface;
    int32_t id = -1;
    bool special = false;
    bool single_word = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
};

// A slice of the text: an added token (id >= 0) or text still to tokenize (id == -1).
struct Segment {
    uint32_t begin;
    uint32_t end;
    int32_t id;
};

// Byte trie answering "longest pattern starting here".
class TokenTrie {
public:
    void build(const std::vector<std::string>& patterns);
    bool empty() const { return m_nodes.size() <= 1; }
    bool may_start(unsigned char b) const { return m_first[b]; }
    // Index of the longest pattern that starts at text[pos], or -1; its length goes to *len.
    int32_t longest_at(std::string_view text, std::size_t pos, std::size_t* len) const;

private:
    struct Node {
        int32_t pattern = -1;
        uint32_t first_edge = 0, n_edges = 0;  // into m_edges, sorted by byte
    };
    struct Edge {
        unsigned char byte;
        uint32_t child;
    };
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
    bool m_first[256] = {};
};

class AddedVocabulary {
public:
    // Parses "added_tokens". Patterns of normalized tokens are run through `normalizer` (may be null).
    // A token the model vocab already holds keeps the model's id, as HF's add_tokens does.
    Status init(const Json* added_tokens, const Normalizer* normalizer, const BpeModel& model);

    // Splits `text` on the non-normalized tokens (pass 1 of HF's extract_and_normalize).
    void split_raw(std::string_view text, std::vector<Segment>& out) const { split(text, m_raw, out); }
    // Splits an already normalized piece on the normalized tokens (pass 2).
    void split_normalized(std::string_view text, std::vector<Segment>& out) const { split(text, m_norm, out); }
    bool has_raw() const { return !m_raw.trie.empty(); }
    bool has_normalized() const { return !m_norm.trie.empty(); }

    const std::vector<AddedToken>& tokens() const { return m_tokens; }
    const AddedToken* by_id(int32_t id) const;
    const AddedToken* by_content(std::string_view content) const;

private:
    struct Set {
        TokenTrie trie;
        std::vector<int32_t> token_index;  // trie pattern -> index into m_tokens
    };
    void split(std::string_view text, const Set& set, std::vector<Segment>& out) const;

    std::vector<AddedToken> m_tokens;
    std::unordered_map<int32_t, std::size_t> m_by_id;
    std::unordered_map<std::string, std::size_t> m_by_content;
    Set m_raw, m_norm;
};

}  // namespace farsight::tok
