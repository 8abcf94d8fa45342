// `farsight-cli chat`: the desktop app's headless twin. Appends a user message to a conversation
// in the app's SQLite database and streams the model's reply into it through the same storage
// code (kill -9 loses at most about a second of reply; the reply is then marked interrupted).
#pragma once

#include "cli/commands.h"

namespace farsight::cli {

Command chat_command();

}  // namespace farsight::cli
