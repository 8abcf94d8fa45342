// farsight-cli commands. Each returns a Status; cli_main turns it into one stderr line and an
// exit code (0 ok, 2 bad usage, 1 bad input or failure). Never a crash, never exit().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::cli {

struct Command {
    std::string name;
    std::string usage;  // one line
    std::function<Status(int argc, char** argv)> run;  // argv[0] = program, argv[1] = command name
};

std::vector<Command> engine_commands();  // generate, tokenize, eval-logits, bench
int cli_main(int argc, char** argv, const std::vector<Command>& commands);

Status cmd_generate(int argc, char** argv);
Status cmd_tokenize(int argc, char** argv);
Status cmd_eval_logits(int argc, char** argv);
Status cmd_info(int argc, char** argv);
Status cmd_eval_vision(int argc, char** argv);

}  // namespace farsight::cli
