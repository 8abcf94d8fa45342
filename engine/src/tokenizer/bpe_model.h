// The BPE model of tokenizer.json ("model": {"type": "BPE", ...}): vocab, merges in both the "a b" and
// ["a", "b"] forms, unk/fuse_unk, byte_fallback, ignore_merges, continuing_subword_prefix and
// end_of_word_suffix. Same merge order as HF `tokenizers` (models/bpe/model.rs, word.rs): lowest rank
// first, leftmost on ties, through a heap over a linked list of symbols; a bounded LRU caches words.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "farsight/engine/status.h"
#include "tokenizer/json_util.h"

namespace farsight::tok {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using Vocab = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

// Largest token id accepted: real vocabularies stay far below; the cap keeps a hostile file from making
// us allocate an id table of billions of entries.
inline constexpr int64_t kMaxTokenId = (int64_t{1} << 24) - 1;

// (left id, right id) -> (rank, merged id), open addressing.
class MergeMap {
public:
    struct Entry {
        uint64_t key;
        uint32_t rank;
        int32_t id;
    };
    void reserve(std::size_t n);
    void insert_or_assign(int32_t a, int32_t b, uint32_t rank, int32_t id);
    const Entry* find(int32_t a, int32_t b) const {
        if (m_slots.empty()) return nullptr;
        const uint64_t key = pack(a, b);
        for (std::size_t i = mix(key) & m_mask;; i = (i + 1) & m_mask) {
            const Entry& e = m_slots[i];
            if (e.key == key) return &e;
            if (e.key == kEmpty) return nullptr;
        }
    }
    std::size_t size() const { return m_size; }

private:
    static constexpr uint64_t kEmpty = ~uint64_t{0};
    static uint64_t pack(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
    static uint64_t mix(uint64_t k) {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdULL;
        k ^= k >> 33;
        return k;
    }
    std::vector<Entry> m_slots;
    std::size_t m_mask = 0, m_size = 0;
};

class WordCache;

class BpeModel {
public:
    static Result<std::unique_ptr<BpeModel>> from_json(const Json& model);
    ~BpeModel();

    // Appends the ids of one pre-token (valid UTF-8).
    Status tokenize(std::string_view word, std::vector<int32_t>& out) const;

    std::optional<int32_t> token_to_id(std::string_view token) const;
    // nullptr when the id is not in the vocab.
    const std::string* id_to_token(int32_t id) const;
    int32_t max_id() const { return static_cast<int32_t>(m_by_id.size()) - 1; }
    std::size_t vocab_count() const { return m_vocab.size(); }
    std::size_t merge_count() const { return m_merges.size(); }

private:
    BpeModel();
    Status merge_word(std::string_view word, std::vector<int32_t>& out) const;
    int32_t char_id(std::string_view ch, bool first, bool last) const;

    Vocab m_vocab;
    std::vector<const std::string*> m_by_id;
    MergeMap m_merges;
    std::vector<int32_t> m_small_char_ids;  // code point < 2048 -> id, when no prefix/suffix applies
    int32_t m_byte_ids[256];                 // "<0xXX>" -> id for byte_fallback, -1 when absent
    std::optional<std::string> m_unk_token;
    std::optional<int32_t> m_unk_id;
    std::optional<std::string> m_prefix, m_suffix;
    bool m_fuse_unk = false, m_byte_fallback = false, m_ignore_merges = false;
    std::unique_ptr<WordCache> m_cache;
};

}  // namespace farsight::tok
