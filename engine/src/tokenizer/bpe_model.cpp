// BPE model; see bpe_model.h. Reference: huggingface/tokenizers tokenizers/src/models/bpe/{model,word,
// serialization}.rs.
#include "tokenizer/bpe_model.h"

#include <algorithm>
#include <cstdio>
#include <list>
#include <mutex>

#include "tokenizer/unicode.h"

namespace farsight::tok {

// ---- MergeMap -------------------------------------------------------------------------------------------

void MergeMap::reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    m_slots.assign(cap, Entry{kEmpty, 0, 0});
    m_mask = cap - 1;
    m_size = 0;
}

void MergeMap::insert_or_assign(int32_t a, int32_t b, uint32_t rank, int32_t id) {
    const uint64_t key = pack(a, b);
    for (std::size_t i = mix(key) & m_mask;; i = (i + 1) & m_mask) {
        Entry& e = m_slots[i];
        if (e.key == kEmpty) {
            e = Entry{key, rank, id};
            ++m_size;
            return;
        }
        if (e.key == key) {  // a repeated merge keeps the later rank, as HF's HashMap collect does
            e.rank = rank;
            e.id = id;
            return;
        }
    }
}

// ---- WordCache: bounded LRU of word -> ids; skipped (not waited on) when another thread holds it ---------

class WordCache {
public:
    static constexpr std::size_t kCapacity = 10'000;  // HF's default BPE cache size
    static constexpr std::size_t kMaxWordBytes = 256;  // HF caches only words shorter than this

    bool get(std::string_view word, std::vector<int32_t>& out) {
        std::unique_lock lock(m_mutex, std::try_to_lock);
        if (!lock.owns_lock()) return false;
        auto it = m_index.find(word);
        if (it == m_index.end()) return false;
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        out.insert(out.end(), it->second->ids.begin(), it->second->ids.end());
        return true;
    }

    void put(std::string_view word, const int32_t* ids, std::size_t n) {
        if (word.size() >= kMaxWordBytes) return;
        std::unique_lock lock(m_mutex, std::try_to_lock);
        if (!lock.owns_lock() || m_index.count(word) != 0) return;
        if (m_lru.size() >= kCapacity) {
            m_index.erase(m_lru.back().word);
            m_lru.pop_back();
        }
        m_lru.push_front(Entry{std::string(word), std::vector<int32_t>(ids, ids + n)});
        m_index.emplace(m_lru.front().word, m_lru.begin());
    }

private:
    struct Entry {
        std::string word;
        std::vector<int32_t> ids;
    };
    std::mutex m_mutex;
    std::list<Entry> m_lru;  // most recent first; list nodes keep the index's string_views valid
    std::unordered_map<std::string_view, std::list<Entry>::iterator> m_index;
};

// ---- BpeModel --------------------------------------------------------------------------------------------

BpeModel::BpeModel() : m_cache(std::make_unique<WordCache>()) {}
BpeModel::~BpeModel() = default;

namespace {

Status split_merge(const Json& m, std::size_t rank, std::string& a, std::string& b) {
    if (m.is_string()) {
        const std::string& s = m.get_ref<const std::string&>();
        const std::size_t sp = s.find(' ');
        if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
            return Status(ErrorCode::bad_config, "model.merges[" + std::to_string(rank) + "] '" + s +
                                                     "' is not two tokens separated by one space");
        a = s.substr(0, sp);
        b = s.substr(sp + 1);
        return {};
    }
    if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        a = m[0].get<std::string>();
        b = m[1].get<std::string>();
        return {};
    }
    return Status(ErrorCode::bad_config,
                  "model.merges[" + std::to_string(rank) + "] must be \"a b\" or [\"a\", \"b\"]");
}

}  // namespace

Result<std::unique_ptr<BpeModel>> BpeModel::from_json(const Json& j) {
    const std::string where = "model";
    std::unique_ptr<BpeModel> m(new BpeModel());
    if (const Json* d = json_find(j, "dropout"); d != nullptr && !d->is_null()) {
        if (!d->is_number()) return json_error(where, "'dropout' must be a number or null");
        // A non-zero dropout makes HF's own output random: there is nothing to be exact against.
        if (d->get<double>() != 0.0) return Status(ErrorCode::unsupported, "BPE dropout is not supported");
    }
    bool present = false;
    FS_ASSIGN_OR_RETURN(std::string unk, json_opt_string(j, "unk_token", present, where));
    if (present) m->m_unk_token = unk;
    FS_ASSIGN_OR_RETURN(std::string prefix, json_opt_string(j, "continuing_subword_prefix", present, where));
    if (present) m->m_prefix = prefix;
    FS_ASSIGN_OR_RETURN(std::string suffix, json_opt_string(j, "end_of_word_suffix", present, where));
    if (present) m->m_suffix = suffix;
    FS_ASSIGN_OR_RETURN(m->m_fuse_unk, json_bool(j, "fuse_unk", false, where));
    FS_ASSIGN_OR_RETURN(m->m_byte_fallback, json_bool(j, "byte_fallback", false, where));
    FS_ASSIGN_OR_RETURN(m->m_ignore_merges, json_bool(j, "ignore_merges", false, where));

    const Json* vocab = json_find(j, "vocab");
    if (vocab == nullptr || !vocab->is_object()) return json_error(where, "'vocab' must be an object");
    m->m_vocab.reserve(vocab->size());
    int64_t max_id = -1;
    for (auto it = vocab->begin(); it != vocab->end(); ++it) {
        if (!it.value().is_number_integer())
            return json_error(where, "vocab entry '" + it.key() + "' must map to an integer id");
        const int64_t id = it.value().is_number_unsigned() && it.value().get<uint64_t>() > uint64_t(kMaxTokenId)
                               ? kMaxTokenId + 1
                               : it.value().get<int64_t>();
        if (id < 0 || id > kMaxTokenId)
            return json_error(where, "vocab id of '" + it.key() + "' is out of range [0, " +
                                         std::to_string(kMaxTokenId) + "]");
        if (!m->m_vocab.emplace(it.key(), static_cast<int32_t>(id)).second)
            return Status(ErrorCode::duplicate, "model.vocab: token '" + it.key() + "' appears twice");
        max_id = std::max(max_id, id);
    }
    // Real vocabularies number their tokens densely; refusing very sparse ids keeps a small hostile file from
    // sizing the id table (reliability.md: declared-size bombs).
    const int64_t max_dense = 2 * static_cast<int64_t>(m->m_vocab.size()) + 1024;
    if (max_id >= max_dense)
        return json_error(where, "vocab ids are too sparse: the largest is " + std::to_string(max_id) + " for " +
                                     std::to_string(m->m_vocab.size()) + " tokens");
    m->m_by_id.assign(static_cast<std::size_t>(max_id + 1), nullptr);
    for (const auto& [tok, id] : m->m_vocab) {
        if (m->m_by_id[id] != nullptr)
            return Status(ErrorCode::duplicate, "model.vocab: id " + std::to_string(id) + " is given to both '" +
                                                    *m->m_by_id[id] + "' and '" + tok + "'");
        m->m_by_id[id] = &tok;
    }
    if (m->m_unk_token) {
        if (auto it = m->m_vocab.find(*m->m_unk_token); it != m->m_vocab.end()) m->m_unk_id = it->second;
    }

    const Json* merges = json_find(j, "merges");
    if (merges != nullptr && !merges->is_null() && !merges->is_array())
        return json_error(where, "'merges' must be a list");
    const std::size_t prefix_len = m->m_prefix ? m->m_prefix->size() : 0;
    if (merges != nullptr && merges->is_array()) {
        m->m_merges.reserve(merges->size());
        std::string a, b, merged;
        for (std::size_t rank = 0; rank < merges->size(); ++rank) {
            FS_RETURN_IF_ERROR(split_merge((*merges)[rank], rank, a, b));
            auto ia = m->m_vocab.find(a), ib = m->m_vocab.find(b);
            if (ia == m->m_vocab.end() || ib == m->m_vocab.end())
                return Status(ErrorCode::bad_config, "model.merges[" + std::to_string(rank) + "] uses '" +
                                                         (ia == m->m_vocab.end() ? a : b) +
                                                         "', which is not in the vocab");
            merged = a;
            merged.append(b, std::min(prefix_len, b.size()), std::string::npos);
            auto im = m->m_vocab.find(merged);
            if (im == m->m_vocab.end())
                return Status(ErrorCode::bad_config, "model.merges[" + std::to_string(rank) + "] makes '" + merged +
                                                         "', which is not in the vocab");
            m->m_merges.insert_or_assign(ia->second, ib->second, static_cast<uint32_t>(rank), im->second);
        }
    }

    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        auto it = m->m_vocab.find(std::string_view(name));
        m->m_byte_ids[b] = it == m->m_vocab.end() ? -1 : it->second;
    }
    if (!m->m_prefix && !m->m_suffix) {
        m->m_small_char_ids.assign(2048, -1);
        std::string ch;
        for (char32_t c = 0; c < 2048; ++c) {
            ch.clear();
            append_utf8(ch, c);
            if (auto it = m->m_vocab.find(ch); it != m->m_vocab.end()) m->m_small_char_ids[c] = it->second;
        }
    }
    return m;
}

std::optional<int32_t> BpeModel::token_to_id(std::string_view token) const {
    auto it = m_vocab.find(token);
    if (it == m_vocab.end()) return std::nullopt;
    return it->second;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= m_by_id.size()) return nullptr;
    return m_by_id[id];
}

int32_t BpeModel::char_id(std::string_view ch, bool first, bool last) const {
    if (!m_small_char_ids.empty()) {
        std::size_t i = 0;
        const char32_t c = next_cp(ch, i);
        if (c < 2048) return m_small_char_ids[c];
        auto it = m_vocab.find(ch);
        return it == m_vocab.end() ? -1 : it->second;
    }
    thread_local std::string key;
    key.clear();
    if (!first && m_prefix) key += *m_prefix;
    key += ch;
    if (last && m_suffix) key += *m_suffix;
    auto it = m_vocab.find(key);
    return it == m_vocab.end() ? -1 : it->second;
}

namespace {

struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
    uint32_t len;  // bytes covered; 0 once merged into its left neighbour
};

struct Candidate {
    uint32_t rank;
    uint32_t pos;
    int32_t new_id;
};

// std heap is a max-heap: "less" means later (higher rank, then further right).
struct CandidateLater {
    bool operator()(const Candidate& a, const Candidate& b) const {
        return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
    }
};

}  // namespace

Status BpeModel::merge_word(std::string_view w, std::vector<int32_t>& out) const {
    thread_local std::vector<Symbol> syms;
    thread_local std::vector<Candidate> heap;
    syms.clear();
    heap.clear();
    auto add = [&](int32_t id, uint32_t len) {
        const auto n = static_cast<int32_t>(syms.size());
        syms.push_back({id, n - 1, -1, len});
        if (n > 0) syms[n - 1].next = n;
    };
    int32_t unk_id = -1;  // a pending unk (id, byte length), emitted once a known character follows
    uint32_t unk_len = 0;
    std::size_t i = 0;
    while (i < w.size()) {
        const std::size_t start = i;
        i += utf8_len(static_cast<unsigned char>(w[i]));
        const std::string_view ch = w.substr(start, i - start);
        const auto byte_len = static_cast<uint32_t>(ch.size());
        const int32_t id = char_id(ch, start == 0, i == w.size());
        if (id >= 0) {
            if (unk_id >= 0) {
                add(unk_id, unk_len);
                unk_id = -1;
            }
            add(id, byte_len);
            continue;
        }
        if (m_byte_fallback) {
            // The looked-up string (with prefix/suffix) is what HF spells as bytes.
            std::string spelled;
            if (start != 0 && m_prefix) spelled += *m_prefix;
            spelled += ch;
            if (i == w.size() && m_suffix) spelled += *m_suffix;
            bool all = true;
            for (const char b : spelled) all = all && m_byte_ids[static_cast<unsigned char>(b)] >= 0;
            if (all) {
                // HF leaves a pending unk pending here, so it lands after these bytes.
                for (const char b : spelled) add(m_byte_ids[static_cast<unsigned char>(b)], 1);
                continue;
            }
        }
        if (m_unk_token) {
            if (!m_unk_id)
                return Status(ErrorCode::bad_config, "model.unk_token '" + *m_unk_token + "' is not in the vocab");
            if (unk_id >= 0 && m_fuse_unk) {
                unk_len += byte_len;
            } else {
                if (unk_id >= 0) add(unk_id, unk_len);
                unk_id = *m_unk_id;
                unk_len = byte_len;
            }
        }
    }
    if (unk_id >= 0) add(unk_id, unk_len);

    for (std::size_t k = 0; k + 1 < syms.size(); ++k) {
        if (const MergeMap::Entry* e = m_merges.find(syms[k].id, syms[k + 1].id))
            heap.push_back({e->rank, static_cast<uint32_t>(k), e->id});
    }
    std::make_heap(heap.begin(), heap.end(), CandidateLater{});
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), CandidateLater{});
        const Candidate top = heap.back();
        heap.pop_back();
        Symbol& cur = syms[top.pos];
        if (cur.len == 0 || cur.next < 0) continue;
        Symbol& right = syms[cur.next];
        const MergeMap::Entry* e = m_merges.find(cur.id, right.id);
        if (e == nullptr || e->id != top.new_id) continue;  // stale: a neighbour changed since the push
        cur.id = top.new_id;
        cur.len += right.len;
        cur.next = right.next;
        right.len = 0;
        if (cur.next >= 0) syms[cur.next].prev = static_cast<int32_t>(top.pos);
        if (cur.prev >= 0) {
            if (const MergeMap::Entry* pe = m_merges.find(syms[cur.prev].id, cur.id)) {
                heap.push_back({pe->rank, static_cast<uint32_t>(cur.prev), pe->id});
                std::push_heap(heap.begin(), heap.end(), CandidateLater{});
            }
        }
        if (cur.next >= 0) {
            if (const MergeMap::Entry* ne = m_merges.find(cur.id, syms[cur.next].id)) {
                heap.push_back({ne->rank, top.pos, ne->id});
                std::push_heap(heap.begin(), heap.end(), CandidateLater{});
            }
        }
    }
    for (int32_t k = syms.empty() ? -1 : 0; k >= 0; k = syms[k].next) out.push_back(syms[k].id);
    return {};
}

Status BpeModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return {};
    if (m_ignore_merges) {
        if (auto it = m_vocab.find(word); it != m_vocab.end()) {
            out.push_back(it->second);
            return {};
        }
    }
    if (m_cache->get(word, out)) return {};
    const std::size_t mark = out.size();
    FS_RETURN_IF_ERROR(merge_word(word, out));
    m_cache->put(word, out.data() + mark, out.size() - mark);
    return {};
}

}  // namespace farsight::tok
