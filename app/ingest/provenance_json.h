// Provenance as JSON, for storage (attachments.provenance_json) next to the extracted text: lets
// the app rebuild the Document from the database for locate()/slice()/citations without the file.
#pragma once

#include <string>
#include <string_view>

#include "farsight/engine/status.h"
#include "ingest/document.h"

namespace farsight::ingest {

// {"version":1,"files":[{path,name,format,file_bytes,encoding,n_pages,n_lines,content:[b,e]}],
//  "spans":[[offset,file,page,line],...],"headings":[[file,level,offset,title],...],
//  "notices":[[file,page,message],...]}
std::string provenance_to_json(const Document& document);

// The inverse; `text` is the stored extracted text. bad_header on malformed or mismatching JSON.
Result<Document> document_from_json(std::string text, std::string_view provenance_json);

}  // namespace farsight::ingest
