// Added tokens; see added_tokens.h. Reference: huggingface/tokenizers tokenizer/added_vocabulary.rs
// (find_matches, extract_and_normalize) and tokenizer/serialization.rs (loading "added_tokens").
#include "tokenizer/added_tokens.h"

#include <algorithm>
#include <map>

#include "tokenizer/unicode.h"

namespace farsight::tok {

// ---- TokenTrie -------------------------------------------------------------------------------------------

void TokenTrie::build(const std::vector<std::string>& patterns) {
    // Build with ordered maps, then flatten into sorted edge arrays for compact lookups.
    std::vector<std::map<unsigned char, uint32_t>> children(1);
    std::vector<int32_t> terminal(1, -1);
    for (std::size_t p = 0; p < patterns.size(); ++p) {
        const std::string& s = patterns[p];
        if (s.empty()) continue;
        uint32_t node = 0;
        for (const char ch : s) {
            const auto b = static_cast<unsigned char>(ch);
            auto it = children[node].find(b);
            if (it == children[node].end()) {
                const auto child = static_cast<uint32_t>(children.size());
                children[node].emplace(b, child);
                children.emplace_back();
                terminal.push_back(-1);
                node = child;
            } else {
                node = it->second;
            }
        }
        terminal[node] = static_cast<int32_t>(p);
        m_first[static_cast<unsigned char>(s[0])] = true;
    }
    m_nodes.assign(children.size(), Node{});
    m_edges.clear();
    for (std::size_t n = 0; n < children.size(); ++n) {
        m_nodes[n].pattern = terminal[n];
        m_nodes[n].first_edge = static_cast<uint32_t>(m_edges.size());
        m_nodes[n].n_edges = static_cast<uint32_t>(children[n].size());
        for (const auto& [b, c] : children[n]) m_edges.push_back({b, c});
    }
}

int32_t TokenTrie::longest_at(std::string_view text, std::size_t pos, std::size_t* len) const {
    uint32_t node = 0;
    int32_t best = -1;
    for (std::size_t i = pos; i < text.size(); ++i) {
        const Node& n = m_nodes[node];
        const auto b = static_cast<unsigned char>(text[i]);
        const Edge* first = m_edges.data() + n.first_edge;
        const Edge* last = first + n.n_edges;
        const Edge* e = std::lower_bound(first, last, b, [](const Edge& x, unsigned char v) { return x.byte < v; });
        if (e == last || e->byte != b) break;
        node = e->child;
        if (m_nodes[node].pattern >= 0) {
            best = m_nodes[node].pattern;
            *len = i + 1 - pos;
        }
    }
    return best;
}

// ---- AddedVocabulary -------------------------------------------------------------------------------------

Status AddedVocabulary::init(const Json* added, const Normalizer* normalizer, const BpeModel& model) {
    m_tokens.clear();
    if (added == nullptr || added->is_null()) return {};
    if (!added->is_array()) return json_error("added_tokens", "must be a list");
    for (std::size_t k = 0; k < added->size(); ++k) {
        const Json& j = (*added)[k];
        const std::string where = "added_tokens[" + std::to_string(k) + "]";
        AddedToken t;
        FS_ASSIGN_OR_RETURN(t.content, json_string(j, "content", where));
        FS_ASSIGN_OR_RETURN(int64_t id, json_int(j, "id", where));
        if (id < 0 || id > kMaxTokenId) return json_error(where, "id " + std::to_string(id) + " is out of range");
        t.id = static_cast<int32_t>(id);
        FS_ASSIGN_OR_RETURN(t.special, json_bool(j, "special", false, where));
        FS_ASSIGN_OR_RETURN(t.single_word, json_bool(j, "single_word", false, where));
        FS_ASSIGN_OR_RETURN(t.lstrip, json_bool(j, "lstrip", false, where));
        FS_ASSIGN_OR_RETURN(t.rstrip, json_bool(j, "rstrip", false, where));
        FS_ASSIGN_OR_RETURN(t.normalized, json_bool(j, "normalized", !t.special, where));
        if (t.content.empty()) continue;  // HF ignores empty added tokens
        if (auto vid = model.token_to_id(t.content)) t.id = *vid;
        if (m_by_content.count(t.content) != 0)
            return Status(ErrorCode::duplicate, where + ": added token '" + t.content + "' is listed twice");
        if (m_by_id.count(t.id) != 0)
            return Status(ErrorCode::duplicate, where + ": id " + std::to_string(t.id) + " is used by both '" +
                                                    m_tokens[m_by_id[t.id]].content + "' and '" + t.content + "'");
        m_by_id.emplace(t.id, m_tokens.size());
        m_by_content.emplace(t.content, m_tokens.size());
        m_tokens.push_back(std::move(t));
    }
    // HF orders the matcher's patterns specials first, then the others, each in file order.
    std::vector<std::size_t> order(m_tokens.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_partition(order.begin(), order.end(), [&](std::size_t k) { return m_tokens[k].special; });
    std::vector<std::string> raw, norm;
    std::string tmp;
    for (const std::size_t k : order) {
        AddedToken& t = m_tokens[k];
        t.surface = t.content;
        if (t.normalized) {
            if (normalizer != nullptr) FS_RETURN_IF_ERROR(normalizer->apply(t.surface, tmp));
            norm.push_back(t.surface);
            m_norm.token_index.push_back(static_cast<int32_t>(k));
        } else {
            raw.push_back(t.content);
            m_raw.token_index.push_back(static_cast<int32_t>(k));
        }
    }
    m_raw.trie.build(raw);
    m_norm.trie.build(norm);
    return {};
}

const AddedToken* AddedVocabulary::by_id(int32_t id) const {
    auto it = m_by_id.find(id);
    return it == m_by_id.end() ? nullptr : &m_tokens[it->second];
}

const AddedToken* AddedVocabulary::by_content(std::string_view content) const {
    auto it = m_by_content.find(std::string(content));
    return it == m_by_content.end() ? nullptr : &m_tokens[it->second];
}

void AddedVocabulary::split(std::string_view text, const Set& set, std::vector<Segment>& out) const {
    out.clear();
    const std::size_t n = text.size();
    if (n == 0) return;
    if (set.trie.empty()) {
        out.push_back({0, static_cast<uint32_t>(n), -1});
        return;
    }
    std::size_t start_offset = 0, pos = 0;
    while (pos < n) {
        if (!set.trie.may_start(static_cast<unsigned char>(text[pos]))) {
            ++pos;
            continue;
        }
        std::size_t len = 0;
        const int32_t p = set.trie.longest_at(text, pos, &len);
        if (p < 0) {
            ++pos;
            continue;
        }
        std::size_t start = pos, stop = pos + len;
        pos = stop;  // the matcher resumes after the match even when the match is then discarded
        const AddedToken& t = m_tokens[static_cast<std::size_t>(set.token_index[static_cast<std::size_t>(p)])];
        if (t.single_word) {
            const bool start_space = start == 0 || !is_regex_word(prev_cp(text, start));
            std::size_t i = stop;
            const bool stop_space = stop == n || !is_regex_word(next_cp(text, i));
            if (!start_space || !stop_space) continue;
        }
        if (t.lstrip) {
            std::size_t s = start;
            while (s > 0) {
                std::size_t b = s - 1;
                while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
                std::size_t i = b;
                if (!is_white_space(next_cp(text, i))) break;
                s = b;
            }
            start = std::max(s, start_offset);
        }
        if (t.rstrip) {
            while (stop < n) {
                std::size_t i = stop;
                if (!is_white_space(next_cp(text, i))) break;
                stop = i;
            }
        }
        if (start_offset < start) out.push_back({static_cast<uint32_t>(start_offset), static_cast<uint32_t>(start), -1});
        out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(stop), t.id});
        start_offset = stop;
    }
    if (start_offset < n) out.push_back({static_cast<uint32_t>(start_offset), static_cast<uint32_t>(n), -1});
}

}  // namespace farsight::tok
