// ThreadPool covers every index exactly once, for sizes around the thread count.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "core/thread_pool.h"

using namespace farsight;

TEST(ThreadPool, CoversEveryIndexOnce) {
    ThreadPool pool(4);
    for (int64_t n : {0, 1, 3, 4, 5, 17, 1000}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        pool.parallel_for(n, [&](int64_t b, int64_t e, int) {
            for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
        }, 3);
        for (auto& h : hits) EXPECT_EQ(h.load(), 1);
    }
}
