// tokenize: one JSON array of the ids of a file's whole content, no special tokens added (the
// Hugging Face `tokenizers` behaviour: added-token strings in the text still map to their ids).
// The folder may hold only tokenizer.json (and optionally tokenizer_config.json).
#include <cstdio>
#include <fstream>

#include "api/model_impl.h"
#include "args.h"
#include "commands.h"

namespace farsight::cli {

Status cmd_tokenize(int argc, char** argv) {
    FS_ASSIGN_OR_RETURN(Args args, Args::parse(argc, argv, 2, {"model", "text-file"}, {}));
    FS_ASSIGN_OR_RETURN(std::string dir, args.require("model"));
    FS_ASSIGN_OR_RETURN(std::string file, args.require("text-file"));
    FS_ASSIGN_OR_RETURN(std::shared_ptr<const TextCodec> codec, TextCodec::load(dir, 0, std::nullopt));
    if (!codec) return Status(ErrorCode::not_found, dir + " has no tokenizer.json");
    std::ifstream f(file, std::ios::binary);
    if (!f) return Status(ErrorCode::not_found, "cannot open " + file);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    FS_ASSIGN_OR_RETURN(std::vector<TokenId> ids, codec->encode(text, /*parse_special=*/true));
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) out += ", ";
        out += std::to_string(ids[i]);
    }
    out += "]\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return {};
}

}  // namespace farsight::cli
