// posix_spawn child with piped stdout/stderr (see spawn.h). Signals are reset to their defaults in
// the child so an app that ignores SIGPIPE does not pass that on.
#include "ingest/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace farsight::ingest {

namespace {

struct FileActions {
    posix_spawn_file_actions_t a;
    FileActions() { posix_spawn_file_actions_init(&a); }
    ~FileActions() { posix_spawn_file_actions_destroy(&a); }
};

struct SpawnAttr {
    posix_spawnattr_t a;
    SpawnAttr() { posix_spawnattr_init(&a); }
    ~SpawnAttr() { posix_spawnattr_destroy(&a); }
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

std::string ExitInfo::describe() const {
    if (exited) return "exited with code " + std::to_string(exit_code);
    const char* name = sigabbrev_np(signal);
    return "killed by " + (name ? "SIG" + std::string(name) : "signal " + std::to_string(signal));
}

Result<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv) {
    if (argv.empty()) return make_error(ErrorCode::invalid_argument, "no program to start");
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return make_error(ErrorCode::io_error, std::string("pipe: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]); ::close(out[1]);
        return make_error(ErrorCode::io_error, std::string("pipe: ") + std::strerror(errno));
    }
    FileActions fa;
    posix_spawn_file_actions_addopen(&fa.a, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa.a, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa.a, err[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&fa.a, 3);   // descriptors the app leaked without CLOEXEC
#endif
    SpawnAttr attr;
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr.a, &all);
    posix_spawnattr_setsigmask(&attr.a, &none);
    posix_spawnattr_setflags(&attr.a, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv[0].c_str(), &fa.a, &attr.a, args.data(), environ);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        return make_error(rc == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                          "cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    return ChildProcess(pid, out[0], err[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : m_pid(other.m_pid), m_out(other.m_out), m_err(other.m_err), m_reaped(other.m_reaped) {
    other.m_pid = -1;
    other.m_out = other.m_err = -1;
    other.m_reaped = true;
}

ChildProcess::~ChildProcess() {
    close_fd(m_out);
    close_fd(m_err);
    if (m_pid > 0 && !m_reaped) {
        kill();
        wait(std::chrono::milliseconds(5000));
    }
}

void ChildProcess::close_stdout() { close_fd(m_out); }
void ChildProcess::close_stderr() { close_fd(m_err); }

void ChildProcess::kill() {
    if (m_pid > 0 && !m_reaped) ::kill(m_pid, SIGKILL);
}

ExitInfo ChildProcess::wait(std::chrono::milliseconds timeout) {
    ExitInfo info;
    if (m_pid <= 0 || m_reaped) return info;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool killed = false;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
        if (r == m_pid) {
            m_reaped = true;
            if (WIFEXITED(status)) { info.exited = true; info.exit_code = WEXITSTATUS(status); }
            else if (WIFSIGNALED(status)) info.signal = WTERMSIG(status);
            return info;
        }
        if (r < 0 && errno != EINTR) {   // someone else reaped it (ECHILD)
            m_reaped = true;
            info.signal = SIGKILL;
            return info;
        }
        if (!killed && std::chrono::steady_clock::now() >= deadline) {
            ::kill(m_pid, SIGKILL);
            killed = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace farsight::ingest
