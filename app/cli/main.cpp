// farsight-cli: the engine's commands plus the application's headless twin (`chat`), which writes
// into the same SQLite database as the desktop app through the same storage code.
#include "cli/commands.h"
#include "cli/chat_command.h"

int main(int argc, char** argv) {
    auto commands = farsight::cli::engine_commands();
    commands.push_back(farsight::cli::chat_command());
    return farsight::cli::cli_main(argc, argv, commands);
}
