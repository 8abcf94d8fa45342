// farsight-cli dispatcher.
#include <cstdio>
#include <cstring>

#include "commands.h"

namespace farsight::cli {

std::vector<Command> engine_commands() {
    return {
        {"generate", "generate --model DIR [--prompt TEXT] [--file DOC] [--system TEXT] [--max-tokens N] [--temperature T] "
                     "[--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R] [--seed S] [--ctx N] [--threads N] [--raw]",
         cmd_generate},
        {"tokenize", "tokenize --model DIR --text-file FILE", cmd_tokenize},
        {"eval-logits", "eval-logits --model DIR --input IN.safetensors --output OUT.safetensors [--decode K] [--device cpu|cuda] "
                        "[--precision fp32|bf16] [--chunk N] [--threads N]",
         cmd_eval_logits},
        {"info", "info --model DIR [--ctx N]   (architecture, parameters, memory plan; loads no weights)", cmd_info},
        {"eval-vision", "eval-vision --dataset FILE.jsonl (--model DIR | --predictions FILE.jsonl) [--out FILE.jsonl] [--max-tokens N] [--threads N] [--limit N] [--box-frame original|canvas] [--plain-units pixels|norm1000|norm1] [--case-insensitive]", cmd_eval_vision},
    };
}

static void usage(const std::vector<Command>& commands) {
    std::fprintf(stderr, "usage: farsight-cli COMMAND [options]\n");
    for (const auto& c : commands) std::fprintf(stderr, "  %s\n", c.usage.c_str());
}

int cli_main(int argc, char** argv, const std::vector<Command>& commands) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        usage(commands);
        return argc < 2 ? 2 : 0;
    }
    for (const auto& c : commands) {
        if (c.name != argv[1]) continue;
        Status st = c.run(argc, argv);
        if (st.ok()) return 0;
        std::fprintf(stderr, "farsight-cli %s: %s\n", c.name.c_str(), st.to_string().c_str());
        return st.code() == ErrorCode::invalid_argument ? 2 : 1;
    }
    std::fprintf(stderr, "farsight-cli: unknown command '%s' (try --help)\n", argv[1]);
    return 2;
}

}  // namespace farsight::cli
