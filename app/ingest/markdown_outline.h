// Internal: the heading structure of Markdown source (ATX "# Title" and Setext underlines,
// CommonMark rules simplified; fenced code blocks skipped), for the UI's outline.
#pragma once

#include <string_view>
#include <vector>

#include "ingest/document.h"

namespace farsight::ingest {

// Headings of `text` with offsets relative to it, file index 0.
std::vector<Heading> markdown_headings(std::string_view text);

}  // namespace farsight::ingest
