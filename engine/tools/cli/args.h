// Args: the CLI's small argument parser — `--key value`, `--flag`, positional words — with
// one-line errors for unknown or malformed options.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::cli {

class Args {
public:
    // `valued`: options that take a value; `flags`: options that do not.
    static Result<Args> parse(int argc, char** argv, int first, const std::set<std::string>& valued,
                              const std::set<std::string>& flags);

    bool has(const std::string& key) const { return m_values.count(key) || m_flags.count(key); }
    std::optional<std::string> get(const std::string& key) const;
    Result<std::string> require(const std::string& key) const;
    Result<int64_t> get_int(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) const;
    Result<double> get_double(const std::string& key, double fallback, double lo, double hi) const;
    const std::vector<std::string>& positional() const { return m_positional; }

private:
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positional;
};

}  // namespace farsight::cli
