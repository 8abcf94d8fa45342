// Internal: a child process started with posix_spawn, its stdout/stderr on pipes, killed and
// reaped by the destructor if still running. Used by subprocess.cpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::ingest {

struct ExitInfo {
    bool exited = false;         // normal exit (then exit_code)
    int exit_code = 0;
    int signal = 0;              // killed by this signal
    std::string describe() const;   // "exited with code 2", "killed by SIGSEGV"
};

class ChildProcess {
public:
    // argv[0] is the program path; stdin is /dev/null; no other descriptors are inherited.
    static Result<ChildProcess> spawn(const std::vector<std::string>& argv);

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ChildProcess(const ChildProcess&) = delete;
    ~ChildProcess();

    int stdout_fd() const noexcept { return m_out; }
    int stderr_fd() const noexcept { return m_err; }
    void close_stdout();
    void close_stderr();

    void kill();                                            // SIGKILL (idempotent)
    // Reaps the child, waiting at most `timeout` (then kills it and reaps).
    ExitInfo wait(std::chrono::milliseconds timeout);

private:
    ChildProcess(pid_t pid, int out, int err) : m_pid(pid), m_out(out), m_err(err) {}
    pid_t m_pid = -1;
    int m_out = -1;
    int m_err = -1;
    bool m_reaped = false;
};

}  // namespace farsight::ingest
