// farsight-cli without the application layer (FARSIGHT_APP=OFF): the engine commands only.
#include "cli/commands.h"

int main(int argc, char** argv) { return farsight::cli::cli_main(argc, argv, farsight::cli::engine_commands()); }
