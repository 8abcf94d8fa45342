// Replays the fuzz seeds and every input the fuzzers ever crashed on (tests/fuzz/io/) through the
// parsers in the normal (non-fuzzer) build, so a fixed crash stays fixed.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "io/json_util.h"
#include "io/safetensors.h"
#include "io_test_util.h"

using namespace farsight;
using namespace farsight::test;

TEST(FuzzRegressions, ReplayWithoutCrashing) {
    const fs::path fuzz_dir = fs::path(FARSIGHT_TEST_DATA) / "fuzz" / "io";
    int n_inputs = 0;
    for (const char* sub : {"regressions", "seeds"}) {
        for (const auto& e : fs::directory_iterator(fuzz_dir / sub)) {
            if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            SCOPED_TRACE(e.path().string());
            for (bool allow_empty : {false, true}) {
                SafetensorsOptions opt;
                opt.allow_empty_tensors = allow_empty;
                Result<SafetensorsHeader> h = parse_safetensors(bytes, opt);
                if (h.ok()) {
                    for (const TensorInfo& t : h->tensors) EXPECT_LE(t.offset + t.n_bytes, bytes.size());
                } else {
                    EXPECT_FALSE(h.status().message().empty());
                }
            }
            std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            (void)parse_json_strict(text, ErrorCode::bad_header);
            ++n_inputs;
        }
    }
    EXPECT_GT(n_inputs, 0);
}
