// ThreadPool: a fixed set of workers for data-parallel loops (matrix work, heads, experts).
// The calling thread takes part; parallel_for returns when every range is done.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace farsight {

class ThreadPool {
public:
    // n_threads <= 0: one per hardware thread.
    explicit ThreadPool(int n_threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const noexcept { return static_cast<int>(m_workers.size()) + 1; }

    // Calls fn(begin, end, thread_index) over [0, n) split into at most size() contiguous ranges,
    // each a multiple of `grain` long (except the last).
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn, int64_t grain = 1);

private:
    void worker_loop(int index);

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(int64_t, int64_t, int)>* m_job = nullptr;
    int64_t m_n = 0, m_chunk = 0;
    uint64_t m_generation = 0;
    int m_pending = 0;
    bool m_stop = false;
};

}  // namespace farsight
