// extract_in_subprocess(): runs extract() in the farsight-extract helper (tools/extract_main.cpp)
// so a crash, hang or memory blow-up while decoding an untrusted file cannot take the app down
// (reliability.md "Media and documents"). Blocking: call it from a worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "ingest/extract.h"

namespace farsight::ingest {

struct HelperOptions {
    // Helper executable. Empty: $FARSIGHT_EXTRACT_HELPER, else "farsight-extract" beside the
    // running executable, else <exe dir>/../libexec/farsight/, else the one of this build tree,
    // else on $PATH.
    std::string helper_path;
    std::chrono::milliseconds idle_timeout{60'000};     // no output at all for this long -> killed
    std::chrono::milliseconds total_timeout{1'800'000}; // whole extraction
    uint64_t memory_limit_bytes = 0;                    // RLIMIT_AS of the helper; 0 = none
    uint64_t max_output_bytes = uint64_t{4} << 30;      // refuse a helper that writes more
};

// Same contract as extract(). Extra errors, each with a message a user can act on:
//   io_error        helper missing, could not start, crashed ("killed by SIGSEGV") or wrote garbage
//   limit_exceeded  idle or total timeout (the helper is killed)
//   cancelled       `stop` was set (the helper is killed within ~50 ms)
// Progress comes from the helper's stderr lines; `progress` runs on the calling thread.
Result<Document> extract_in_subprocess(std::span<const std::string> paths, const ExtractOptions& options = {},
                                       const ProgressFn& progress = nullptr, const CancelToken* stop = nullptr,
                                       const HelperOptions& helper = {});

// The helper's default location (see HelperOptions::helper_path); empty when none is found.
std::string find_helper();

}  // namespace farsight::ingest
