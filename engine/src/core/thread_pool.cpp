// ThreadPool implementation: one generation counter, workers take a fixed range each.
#include "core/thread_pool.h"

#include <algorithm>

namespace farsight {

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0) n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 1; i < n_threads; ++i) m_workers.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_workers) t.join();
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn, int64_t grain) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    const int64_t n_grains = (n + grain - 1) / grain;
    const int parts = static_cast<int>(std::min<int64_t>(size(), n_grains));
    if (parts <= 1) {
        fn(0, n, 0);
        return;
    }
    const int64_t chunk = ((n_grains + parts - 1) / parts) * grain;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_job = &fn;
        m_n = n;
        m_chunk = chunk;
        m_pending = static_cast<int>(m_workers.size());
        ++m_generation;
    }
    m_wake.notify_all();
    fn(0, std::min(chunk, n), 0);
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [this] { return m_pending == 0; });
    m_job = nullptr;
}

void ThreadPool::worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
        const std::function<void(int64_t, int64_t, int)>* job;
        int64_t begin, end;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop) return;
            seen = m_generation;
            job = m_job;
            begin = m_chunk * index;
            end = std::min(m_n, begin + m_chunk);
        }
        if (begin < end) (*job)(begin, end, index);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (--m_pending == 0) m_done.notify_one();
        }
    }
}

}  // namespace farsight
