// OpenMP helpers: explicit thread counts and exceptions carried out of
// parallel regions (an exception escaping an OpenMP region terminates the
// process, so every worker body runs under ExceptionCarrier::run).
#pragma once

#include <omp.h>

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

// Calls body(chunk_index, thread_index) for every chunk in [0, n_chunks). The
// static schedule gives each thread the same contiguous chunks on every call,
// so per-thread partial results are reproducible for a given thread count.
template <class F>
void parallel_chunks(std::int64_t n_chunks, int n_threads, F&& body) {
    ExceptionCarrier carrier;
#pragma omp parallel for schedule(static) num_threads(checked_threads(n_threads))
    for (std::int64_t chunk = 0; chunk < n_chunks; ++chunk) {
        carrier.run([&] { body(chunk, omp_get_thread_num()); });
    }
    carrier.rethrow();
}

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace zoo
