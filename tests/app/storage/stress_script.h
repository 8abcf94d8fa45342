// The deterministic script shared by storage_stress (which writes it) and the crash test (which
// checks what survived): texts are pure functions of (seed, turn), so the checker knows them.
#pragma once

#include <cstdint>
#include <string>

namespace farsight::storage::stress {

inline std::uint64_t mix(std::uint64_t x) {   // splitmix64
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

inline std::string words(std::uint64_t key, int n_words) {
    static const char* kWords[] = {"lightning", "attention", "million", "token", "context", "expert", "router",
                                   "prefill", "decode", "snapshot", "document", "page", "line", "citation",
                                   "café", "naïve", "Größe", "模型", "🙂", "quote", "branch", "draft"};
    std::string out;
    for (int i = 0; i < n_words; ++i) {
        key = mix(key);
        if (i) out += (key % 11 == 0) ? "\n" : " ";
        out += kWords[key % (sizeof kWords / sizeof kWords[0])];
    }
    return out;
}

// Built with append(): `"Q" + std::string&&` trips GCC 12's -Wrestrict false positive (PR105651).
inline std::string user_text(std::uint64_t seed, int turn) {
    return std::string("Q").append(std::to_string(turn)).append(" ").append(
        words(seed * 1000003u + turn, 5 + int(mix(seed + turn) % 20)));
}

// The full reply; the stress tool streams it in pieces of 1-8 characters (UTF-8 safe cut points
// are not needed: storage must keep any byte sequence it was given, in order).
inline std::string reply_text(std::uint64_t seed, int turn) {
    return std::string("A").append(std::to_string(turn)).append(" ").append(
        words(seed * 7919u + turn * 31u + 7, 40 + int(mix(seed ^ turn) % 160)));
}

inline std::string draft_text(std::uint64_t seed, int edit) {
    return "draft " + std::to_string(edit) + " " + words(seed * 31u + edit, 1 + edit % 12);
}

inline std::string title_text(std::uint64_t seed, int edit) {
    return "title " + std::to_string(seed) + "." + std::to_string(edit);
}

}  // namespace farsight::storage::stress
