// OpenMP helpers: explicit thread counts and exceptions carried out of
// parallel regions (an exception escaping an OpenMP region terminates the
// process, so every worker body runs under ExceptionCarrier::run).
#pragma once

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>

namespace zoo {

// The caller (Python) resolves n_jobs to a positive count; guard anyway.
inline int checked_threads(int n_threads) {
    if (n_threads < 1) throw std::invalid_argument("n_threads must be >= 1");
    return n_threads;
}

class ExceptionCarrier {
public:
    template <class F>
    void run(F&& body) noexcept {
        if (failed_.load(std::memory_order_relaxed)) return;
        try {
            body();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
            failed_.store(true, std::memory_order_relaxed);
        }
    }
    bool failed() const { return failed_.load(std::memory_order_relaxed); }
    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
    std::mutex mutex_;
};

// Scalar operations (a multiply-add, a comparison, a copied value) a thread
// must have to do before waking it pays. Waking a thread team costs a few
// microseconds on a quiet machine, but up to a scheduler time slice (ms) when
// another library's threads still spin on the cores (NumPy's OpenBLAS or
// scikit-learn's OpenMP right after their calls). Below this much work per
// thread, fewer threads finish sooner; below twice it, the calling thread
// alone (it never waits for another). About 0.2 ms of work on one core.
constexpr std::int64_t kMinWorkPerThread = std::int64_t(1) << 19;

// The one rule for the size of every thread team in zoo: the caller's count
// (n_jobs, resolved in Python), cut to what `work` scalar operations pay for.
inline int team_size(std::int64_t work, int n_threads) {
    const std::int64_t worth = std::max<std::int64_t>(1, work / kMinWorkPerThread);
    return static_cast<int>(std::min<std::int64_t>(checked_threads(n_threads), worth));
}

inline int team_size(double work, int n_threads) {
    constexpr double kMost = 9.0e18;  // beyond any int64 count
    return team_size(static_cast<std::int64_t>(std::min(std::max(work, 0.0), kMost)), n_threads);
}

// Calls body(chunk_index, thread_index) for every chunk in [0, n_chunks) on
// at most n_threads threads, never more than there are chunks (pass
// team_size(work, n_threads) to size the team by its work). The static
// schedule gives each thread the same contiguous chunks on every call, so
// per-thread partial results are reproducible for a given thread count.
template <class F>
void parallel_chunks(std::int64_t n_chunks, int n_threads, F&& body) {
    ExceptionCarrier carrier;
    const int team = static_cast<int>(std::min<std::int64_t>(checked_threads(n_threads), std::max<std::int64_t>(n_chunks, 1)));
#pragma omp parallel for schedule(static) num_threads(team)
    for (std::int64_t chunk = 0; chunk < n_chunks; ++chunk) {
        carrier.run([&] { body(chunk, omp_get_thread_num()); });
    }
    carrier.rethrow();
}

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace zoo
