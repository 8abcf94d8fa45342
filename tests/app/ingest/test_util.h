// Helpers shared by the ingest tests: fixture paths, temporary files, whole-file reads.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "ingest/document.h"

namespace farsight::ingest::test {

std::string fixture(std::string_view name);          // tests/fixtures/documents/<name>
std::string read_file(const std::string& path);
// A file under a per-process temporary folder, removed at exit.
std::string temp_file(std::string_view name, std::string_view bytes);

}  // namespace farsight::ingest::test

namespace farsight::ingest {
// Readable gtest failure messages.
inline void PrintTo(const Location& l, std::ostream* os) {
    *os << "{file " << l.file << " '" << l.file_name << "', page " << l.page << ", line " << l.line << ", column "
        << l.column << "}";
}
}  // namespace farsight::ingest
