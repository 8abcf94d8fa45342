// extract_in_subprocess(): runs farsight-extract, relays its progress, enforces the timeouts and
// the output limit, kills it on cancel, and turns crashes into errors (contract in subprocess.h).
#include "ingest/subprocess.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ingest/spawn.h"
#include "ingest/wire_format.h"

namespace farsight::ingest {

namespace {

using Clock = std::chrono::steady_clock;

bool executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

std::string exe_dir() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return {};
    std::string path(buf, static_cast<size_t>(n));
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string file_list(std::span<const std::string> paths) {
    std::string names;
    for (size_t i = 0; i < paths.size() && i < 3; ++i) {
        const size_t slash = paths[i].find_last_of('/');
        if (i) names += ", ";
        names += slash == std::string::npos ? paths[i] : paths[i].substr(slash + 1);
    }
    if (paths.size() > 3) names += " and " + std::to_string(paths.size() - 3) + " more";
    return names;
}

std::vector<std::string> helper_argv(const std::string& helper, std::span<const std::string> paths,
                                     const ExtractOptions& o, const HelperOptions& h) {
    std::vector<std::string> argv{helper};
    if (!o.file_headers) argv.emplace_back("--no-headers");
    if (!o.page_markers) argv.emplace_back("--no-page-markers");
    if (o.dehyphenate) argv.emplace_back("--dehyphenate");
    argv.insert(argv.end(), {"--max-file-bytes", std::to_string(o.max_file_bytes)});
    argv.insert(argv.end(), {"--max-pages", std::to_string(o.max_pdf_pages)});
    if (h.memory_limit_bytes) argv.insert(argv.end(), {"--max-memory-mb", std::to_string(h.memory_limit_bytes >> 20)});
    argv.emplace_back("--");
    argv.insert(argv.end(), paths.begin(), paths.end());
    return argv;
}

// Keeps the last few KiB of the helper's non-progress stderr for error messages.
void keep_tail(std::string& tail, std::string_view line) {
    tail.append(line);
    tail += '\n';
    if (tail.size() > 4096) tail.erase(0, tail.size() - 4096);
}

}  // namespace

std::string find_helper() {
    if (const char* env = std::getenv("FARSIGHT_EXTRACT_HELPER"); env && executable(env)) return env;
    const std::string dir = exe_dir();
    if (!dir.empty()) {
        if (executable(dir + "/farsight-extract")) return dir + "/farsight-extract";
        if (executable(dir + "/../libexec/farsight/farsight-extract")) return dir + "/../libexec/farsight/farsight-extract";
    }
#ifdef FARSIGHT_EXTRACT_BUILD_PATH
    if (executable(FARSIGHT_EXTRACT_BUILD_PATH)) return FARSIGHT_EXTRACT_BUILD_PATH;
#endif
    if (const char* path = std::getenv("PATH")) {
        std::string_view rest(path);
        while (!rest.empty()) {
            const size_t colon = rest.find(':');
            const std::string candidate = std::string(rest.substr(0, colon)) + "/farsight-extract";
            if (executable(candidate)) return candidate;
            rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        }
    }
    return {};
}

Result<Document> extract_in_subprocess(std::span<const std::string> paths, const ExtractOptions& options,
                                       const ProgressFn& progress, const CancelToken* stop,
                                       const HelperOptions& helper) {
    if (paths.empty()) return make_error(ErrorCode::invalid_argument, "no files to extract");
    const std::string program = helper.helper_path.empty() ? find_helper() : helper.helper_path;
    if (program.empty() || !executable(program))
        return make_error(ErrorCode::io_error, "the document extraction helper (farsight-extract) is missing" +
                                                   (program.empty() ? std::string() : ": " + program) +
                                                   "; reinstall Farsight");
    FS_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::spawn(helper_argv(program, paths, options, helper)));

    const std::string names = file_list(paths);
    std::string out, err_line, err_tail;
    std::vector<char> buf(1 << 20);
    ::fcntl(child.stdout_fd(), F_SETPIPE_SZ, 1 << 20);   // fewer wakeups for tens of MB (best effort)
    const auto start = Clock::now();
    auto last_activity = start;
    auto fail = [&](ErrorCode code, std::string msg) -> Status {
        child.kill();
        child.wait(std::chrono::milliseconds(5000));
        return make_error(code, std::move(msg));
    };
    auto seconds = [](std::chrono::milliseconds ms) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms.count()) / 1000.0);
        return std::string(buf);
    };

    while (child.stdout_fd() >= 0 || child.stderr_fd() >= 0) {
        if (stop && stop->cancelled()) return fail(ErrorCode::cancelled, "extraction cancelled");
        const auto now = Clock::now();
        if (now - start > helper.total_timeout)
            return fail(ErrorCode::limit_exceeded, "extracting " + names + " took longer than " +
                                                       seconds(helper.total_timeout) + "; stopped");
        if (now - last_activity > helper.idle_timeout)
            return fail(ErrorCode::limit_exceeded, "extracting " + names + " made no progress for " +
                                                       seconds(helper.idle_timeout) + "; stopped");
        pollfd fds[2];
        nfds_t n = 0;
        if (child.stdout_fd() >= 0) fds[n++] = {child.stdout_fd(), POLLIN, 0};
        if (child.stderr_fd() >= 0) fds[n++] = {child.stderr_fd(), POLLIN, 0};
        const int r = ::poll(fds, n, 50);   // 50 ms bounds the reaction to cancel
        if (r < 0 && errno != EINTR) return fail(ErrorCode::io_error, std::string("poll: ") + std::strerror(errno));
        if (r <= 0) continue;
        for (nfds_t i = 0; i < n; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const bool is_out = fds[i].fd == child.stdout_fd();
            const ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                is_out ? child.close_stdout() : child.close_stderr();
                continue;
            }
            last_activity = Clock::now();
            if (is_out) {
                out.append(buf.data(), static_cast<size_t>(got));
                if (out.size() > helper.max_output_bytes)
                    return fail(ErrorCode::limit_exceeded, "extracting " + names + " produced more than " +
                                                               std::to_string(helper.max_output_bytes) + " bytes; stopped");
                continue;
            }
            err_line.append(buf.data(), static_cast<size_t>(got));
            size_t nl;
            while ((nl = err_line.find('\n')) != std::string::npos) {
                const std::string_view line(err_line.data(), nl);
                if (auto p = wire::parse_progress(line)) {
                    if (progress) progress(*p);
                } else {
                    keep_tail(err_tail, line);
                }
                err_line.erase(0, nl + 1);
            }
            if (err_line.size() > 65536) { keep_tail(err_tail, err_line); err_line.clear(); }
        }
    }
    const ExitInfo exit = child.wait(std::chrono::milliseconds(5000));
    if (!exit.exited) {
        std::string msg = "the extraction helper crashed (" + exit.describe() + ") while reading " + names +
                          "; the file may be damaged or hostile";
        if (!err_tail.empty()) msg += " [" + err_tail.substr(0, err_tail.size() - 1) + "]";
        return make_error(ErrorCode::io_error, std::move(msg));
    }
    Result<Document> doc = wire::read_result(std::move(out));
    if (!doc.ok() && doc.status().code() == ErrorCode::io_error && exit.exit_code != 0 &&
        doc.status().message().find("malformed") != std::string::npos) {
        std::string msg = "the extraction helper failed (" + exit.describe() + ") while reading " + names;
        if (!err_tail.empty()) msg += " [" + err_tail.substr(0, err_tail.size() - 1) + "]";
        return make_error(ErrorCode::io_error, std::move(msg));
    }
    return doc;
}

}  // namespace farsight::ingest
