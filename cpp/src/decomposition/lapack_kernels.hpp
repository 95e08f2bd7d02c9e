// What the decomposition solvers share around their LAPACK calls (the typed
// wrappers themselves are zoo/lapack.hpp's): check_info turns LAPACK's info
// into an exception, threads_for sizes OpenBLAS's pool, flip_signs fixes the
// sign convention.
#pragma once

#include <stdexcept>
#include <string>

namespace zoo::decomposition::detail {

inline void check_info(int info, const char* routine) {
    if (info < 0) throw std::invalid_argument(std::string(routine) + ": argument " + std::to_string(-info) + " invalid");
    if (info > 0) throw std::runtime_error(std::string(routine) + " did not converge (info " + std::to_string(info) + ")");
}

// Threads worth waking for a call of about `flops` floating-point
// operations: below ~10^7 (a millisecond on one core) the hand-off to
// OpenBLAS's pool costs more than it saves, and on a busy machine a
// sleeping pool thread can take far longer than that to wake.
inline int threads_for(double flops, int n_threads) { return flops < 2e7 ? 1 : n_threads; }

// The sign convention shared by every solver: each row's largest-magnitude
// entry (the first one on ties) is made positive.
template <class T>
void flip_signs(T* rows, std::int64_t k, std::int64_t d) {
    for (std::int64_t i = 0; i < k; ++i) {
        T* row = rows + i * d;
        std::int64_t best = 0;
        T best_abs = row[0] < 0 ? -row[0] : row[0];
        for (std::int64_t j = 1; j < d; ++j) {
            const T a = row[j] < 0 ? -row[j] : row[j];
            if (a > best_abs) {
                best_abs = a;
                best = j;
            }
        }
        if (row[best] < 0)
            for (std::int64_t j = 0; j < d; ++j) row[j] = -row[j];
    }
}

}  // namespace zoo::decomposition::detail
