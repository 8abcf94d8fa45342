// Args implementation.
#include "args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace farsight::cli {

Result<Args> Args::parse(int argc, char** argv, int first, const std::set<std::string>& valued,
                         const std::set<std::string>& flags) {
    Args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) == 0 && s.size() > 2) {
            std::string key = s.substr(2), value;
            bool inline_value = false;
            if (auto eq = key.find('='); eq != std::string::npos) {
                value = key.substr(eq + 1);
                key = key.substr(0, eq);
                inline_value = true;
            }
            if (flags.count(key)) {
                if (inline_value) return Status(ErrorCode::invalid_argument, "--" + key + " takes no value");
                a.m_flags.insert(key);
            } else if (valued.count(key)) {
                if (!inline_value) {
                    if (i + 1 >= argc) return Status(ErrorCode::invalid_argument, "--" + key + " needs a value");
                    value = argv[++i];
                }
                a.m_values[key] = value;
            } else {
                return Status(ErrorCode::invalid_argument, "unknown option --" + key);
            }
        } else {
            a.m_positional.push_back(s);
        }
    }
    return a;
}

std::optional<std::string> Args::get(const std::string& key) const {
    auto it = m_values.find(key);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

Result<std::string> Args::require(const std::string& key) const {
    auto v = get(key);
    if (!v) return Status(ErrorCode::invalid_argument, "missing --" + key);
    return *v;
}

Result<int64_t> Args::get_int(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) const {
    auto v = get(key);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    long long x = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno == ERANGE || x < lo || x > hi)
        return Status(ErrorCode::invalid_argument, "--" + key + " must be an integer in [" + std::to_string(lo) + ", " +
                                                       std::to_string(hi) + "], got '" + *v + "'");
    return static_cast<int64_t>(x);
}

Result<double> Args::get_double(const std::string& key, double fallback, double lo, double hi) const {
    auto v = get(key);
    if (!v) return fallback;
    char* end = nullptr;
    double x = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !std::isfinite(x) || x < lo || x > hi)
        return Status(ErrorCode::invalid_argument, "--" + key + " must be a number in [" + std::to_string(lo) + ", " +
                                                       std::to_string(hi) + "], got '" + *v + "'");
    return x;
}

}  // namespace farsight::cli
